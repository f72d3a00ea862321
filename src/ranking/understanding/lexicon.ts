/**
 * @file The small hand-written lexicon of request understanding: everyday words, activities, tempo and energy words
 * and the musicians' shorthand of written descriptions ("e-guitar", "bassline"), each with the tags it implies and
 * how strongly. Tags are written as normalised keys (letters and digits only: "acousticguitar", "femalevocalists") so
 * one entry serves every catalog: a key the catalog lacks is simply not used. Literal tag words need no entry; what
 * the catalog's own data teaches (tag co-occurrence) is learned in related-tags.ts, not written here.
 */

/** One lexicon entry: a phrase (lower-case words) and the tag keys it implies, with weights in (0, 1]. */
export interface LexiconEntry {
  readonly phrase: string;
  readonly tags: Readonly<Record<string, number>>;
  /** Why the entry exists, shown in `request.understood`: a synonym, an activity, a tempo/energy word, a decade. */
  readonly kind: "synonym" | "activity" | "tempo" | "decade";
}

const E = (kind: LexiconEntry["kind"], phrases: string, tags: Record<string, number>): LexiconEntry[] =>
  phrases.split("|").map((phrase) => ({ phrase, tags, kind }));

/** Every entry. A request phrase that matches several entries gets the strongest weight of each tag. */
export const LEXICON: readonly LexiconEntry[] = Object.freeze([
  // Instruments as descriptions and people write them.
  ...E("synonym", "e guitar|e guitars|electric guitars|distorted guitar|distorted guitars|guitar riff|guitar riffs|guitar solo|overdriven guitar", { electricguitar: 1 }),
  ...E("synonym", "acoustic guitars|strummed guitar|strumming guitar|fingerpicked guitar|fingerpicking", { acousticguitar: 1 }),
  ...E("synonym", "e bass|bassline|basslines|bass line|bass guitar|electric bass|bass lines|bass riff", { bass: 1 }),
  ...E("synonym", "upright bass|contrabass|double bass", { doublebass: 1 }),
  ...E("synonym", "synth|synths|synthesizers|synthesiser|synthesisers|synthesized", { synthesizer: 1 }),
  ...E("synonym", "synth pad|synth pads|pads", { pad: 1, synthesizer: 0.5 }),
  ...E("synonym", "keys|keyboards", { keyboard: 1 }),
  ...E("synonym", "e piano|rhodes|electric pianos|fender rhodes", { electricpiano: 1, rhodes: 0.5 }),
  ...E("synonym", "grand piano|pianos|piano melody|piano chords", { piano: 1 }),
  ...E("synonym", "drum|drum kit|drumkit|drum set|drumset|acoustic drums|live drums|drumming|drummer", { drums: 1 }),
  ...E("synonym", "drum machine|drum machines|808|programmed drums|electronic drums|digital drums|beat machine", { drummachine: 1 }),
  ...E("synonym", "percussions|percussive|shaker|shakers|tambourine|congas|conga|hand drums|claps", { percussion: 1 }),
  ...E("synonym", "bongos", { bongo: 1, percussion: 0.5 }),
  ...E("synonym", "vocals|vocal|vocalist|vocalists|singer|singers|singing|sung|voices|lyrics|rapping|rapper", { voice: 1 }),
  ...E("synonym", "female vocals|female vocal|female voice|female singer|female vocalist|woman singing|female singing", { voice: 1, femalevocalists: 1 }),
  ...E("synonym", "male vocals|male vocal|male voice|male singer|male vocalist|man singing|male singing", { voice: 1, malevocalists: 1 }),
  ...E("synonym", "string section|string ensemble|strings section|orchestral strings|bowed strings", { strings: 1 }),
  ...E("synonym", "violins|fiddle|fiddles", { violin: 1 }),
  ...E("synonym", "cellos", { cello: 1 }),
  ...E("synonym", "horns|horn section|brass section", { brass: 1, horn: 0.5 }),
  ...E("synonym", "trumpets", { trumpet: 1 }),
  ...E("synonym", "sax|saxophones|saxes", { saxophone: 1 }),
  ...E("synonym", "flutes", { flute: 1 }),
  ...E("synonym", "hammond|hammond organ|organs", { organ: 1 }),
  ...E("synonym", "church organ|pipe organs", { pipeorgan: 1, organ: 0.5 }),
  ...E("synonym", "orchestral|symphonic|orchestras|symphony", { orchestra: 1, orchestral: 1, classical: 0.5 }),
  ...E("synonym", "choral|choirs", { choir: 1 }),
  ...E("synonym", "samples|sampled", { sampler: 1 }),
  ...E("synonym", "bells|chimes", { bell: 1 }),
  // Genres as people write them.
  ...E("synonym", "hip hop|hiphop|hip-hop|rap", { hiphop: 1, rap: 1 }),
  ...E("synonym", "rnb|r&b|r and b", { rnb: 1 }),
  ...E("synonym", "heavy metal|metal", { metal: 1, heavymetal: 1 }),
  ...E("synonym", "hard rock|heavy rock", { hardrock: 1, rock: 0.5 }),
  ...E("synonym", "edm|electronic dance music", { edm: 1, electronic: 0.5, dance: 0.5 }),
  ...E("synonym", "electronica|electronic music", { electronic: 1 }),
  ...E("synonym", "lofi|lo fi|low fi", { lofi: 1, chillout: 1, downtempo: 1, triphop: 0.5, beat: 0.5 }),
  ...E("synonym", "chillhop|chill hop", { chillout: 1, hiphop: 0.5, downtempo: 0.5 }),
  ...E("synonym", "singer songwriter", { singersongwriter: 1 }),
  ...E("synonym", "dnb|drum and bass|drum n bass", { drumnbass: 1 }),
  ...E("synonym", "techno music|tech house", { techno: 1 }),
  ...E("synonym", "country music|americana", { country: 1 }),
  // Moods as descriptions write them.
  ...E("synonym", "energy|lively|vibrant|high energy|intense|driving|energized", { energetic: 1 }),
  ...E("synonym", "emotion|emotive|heartfelt|passionate|emotionally|sentimental|touching", { emotional: 1 }),
  ...E("synonym", "joyful|cheerful|joyous|happiness|sunny|bright|feel good|feelgood", { happy: 1 }),
  ...E("synonym", "playful|funny|whimsical|quirky|humorous", { fun: 1, funny: 0.5 }),
  ...E("synonym", "groove|grooves|grooving|funky|danceable", { groovy: 1 }),
  ...E("synonym", "romance|sensual|love song|love songs", { romantic: 1, love: 1 }),
  ...E("synonym", "relaxed|relax|relaxation|soothing|calming|peaceful|tranquil|serene|laid back|chill|chilled", { relaxing: 1, calm: 0.5, chillout: 0.5 }),
  ...E("synonym", "mellow|smooth", { mellow: 1 }),
  ...E("synonym", "melancholy|sorrowful|somber|sombre|mournful|wistful|heartbreak|heartbroken|breakup", { melancholic: 1, sad: 1 }),
  ...E("synonym", "sadness|depressing|depressed|gloomy", { sad: 1 }),
  ...E("synonym", "cinematic|heroic|grandiose|majestic", { epic: 1, film: 0.5 }),
  ...E("synonym", "drama|suspense|suspenseful|tense|tension", { dramatic: 1 }),
  ...E("synonym", "ominous|eerie|sinister|spooky|scary|creepy|menacing", { dark: 1, horror: 0.5 }),
  ...E("synonym", "hope|optimistic", { hopeful: 1, uplifting: 0.5 }),
  ...E("synonym", "inspirational|inspired", { inspiring: 1 }),
  ...E("synonym", "motivating|motivation", { motivational: 1 }),
  ...E("synonym", "gentle|quiet|delicate|tender", { soft: 1, calm: 0.5 }),
  ...E("synonym", "meditation|meditating|spiritual|zen", { meditative: 1 }),
  ...E("synonym", "dreamy|ethereal|dreamlike", { dream: 1 }),
  ...E("synonym", "nostalgic|vintage|old school", { retro: 1 }),
  ...E("synonym", "xmas|festive", { christmas: 1 }),
  ...E("synonym", "video game|videogame|gaming|chiptune|8 bit", { game: 1 }),
  ...E("synonym", "kids|kid|child|nursery", { children: 1 }),
  ...E("synonym", "movie soundtrack|soundtrack|film score|movie score", { film: 1, soundtrack: 1 }),
  // Tempo and energy.
  ...E("tempo", "upbeat|up tempo|uptempo", { upbeat: 1, energetic: 0.5, happy: 0.5 }),
  ...E("tempo", "fast|quick|fast paced|high tempo|rapid", { fast: 1, energetic: 0.5 }),
  ...E("tempo", "slow|slow tempo|slower|slowly|downtempo", { slow: 1, calm: 0.5, downtempo: 0.5 }),
  ...E("tempo", "powerful|loud|aggressive|hard hitting", { powerful: 1, energetic: 0.5, heavy: 0.5 }),
  ...E("tempo", "heavy", { heavy: 0.5 }),
  // Activities and occasions.
  ...E("activity", "run|running|morning run|jogging|jog|workout|work out|gym|exercise|exercising|training|cardio", { energetic: 1, sport: 1, fast: 0.5, upbeat: 0.5, motivational: 0.5 }),
  ...E("activity", "morning|wake up|waking up", { happy: 0.5, uplifting: 0.5, positive: 0.5 }),
  ...E("activity", "study|studying|focus|concentrate|concentration|reading|homework", { background: 1, calm: 0.5, ambient: 0.5, instrumental: 0.5 }),
  ...E("activity", "sleep|sleeping|bedtime|falling asleep", { calm: 1, relaxing: 1, soft: 0.5, meditative: 0.5 }),
  ...E("activity", "party|partying|club|clubbing|dancing|dance floor", { party: 1, dance: 1, energetic: 0.5 }),
  ...E("activity", "dinner|cocktail|coffee shop|cafe|lounge", { easylistening: 1, lounge: 1, jazz: 0.5, relaxing: 0.5 }),
  ...E("activity", "rainy day|rain|rainy", { melancholic: 0.5, calm: 0.5 }),
  ...E("activity", "road trip|long drive", { energetic: 0.5, rock: 0.5, travel: 0.5 }),
  ...E("activity", "beach|vacation", { summer: 1, happy: 0.5 }),
  ...E("activity", "wedding|date night|valentine", { love: 1, romantic: 1 }),
  ...E("activity", "yoga|massage|spa", { meditative: 1, relaxing: 1, newage: 0.5 }),
  ...E("activity", "advert|advertisement|adverts|advertisements", { advertising: 1, commercial: 1 }),
  ...E("activity", "presentation|corporate video|business", { corporate: 1 }),
  ...E("activity", "trailer|movie trailer", { trailer: 1, epic: 0.5 }),
  ...E("activity", "documentary", { documentary: 1 }),
  // Decades in words (digits are read in understand.ts).
  ...E("decade", "fifties", { "50s": 1 }),
  ...E("decade", "sixties", { "60s": 1 }),
  ...E("decade", "seventies", { "70s": 1 }),
  ...E("decade", "eighties", { "80s": 1 }),
  ...E("decade", "nineties", { "90s": 1 }),
  ...E("decade", "noughties|two thousands", { "00s": 1, "2000s": 1 }),
]);
