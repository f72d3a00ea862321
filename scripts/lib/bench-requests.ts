/**
 * @file The request texts the latency benchmarks send: mood x style x use, every fifth with a constraint tail, so
 * runs of `bench-ask`, `bench-ranking` and `bench-http` measure the same mix.
 */
const MOODS = ["calm", "energetic", "dark", "happy", "melancholic", "dreamy", "epic", "romantic", "upbeat", "sad"];
const STYLES = ["piano", "rock", "ambient", "jazz", "electronic", "folk", "hip hop", "orchestral", "guitar", "synth pop"];
const USES = ["for a morning run", "to fall asleep to", "for a film trailer", "while studying", "for a road trip"];
const TAILS = ["", ", but no rap", " without vocals", ", not too loud", " with strings"];

/**
 * Request `j` of the mix; `distinct` appends "#j" so no two texts are equal and an encoder's cache never answers.
 */
export function benchRequest(j: number, distinct = false): string {
  const text = `${MOODS[j % 10]} ${STYLES[Math.floor(j / 10) % 10]} ${USES[j % 5]}${TAILS[Math.floor(j / 7) % 5]}`;
  return distinct ? `${text} #${j}` : text;
}
