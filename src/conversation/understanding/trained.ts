/**
 * @file The trained dialogue understanding, cached on disk: trained once per (encoder, cpcd-intent file, excluded
 * dialogues, seed) and written atomically under `<home>/cache/dialogue-understanding/`, so `eval cpcd`, `chat` and
 * the server reuse it in milliseconds instead of refitting.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Config } from "../../config.js";
import { writeFileAtomic } from "../../core/fs.js";
import { CPCD_INTENT_FILE, loadCpcdIntent } from "../../datasets/cpcd-intent/index.js";
import { resolveDataFile } from "../../datasets/mirror.js";
import type { TextEncoder } from "../../representations/text-encoder.js";
import { DialogueUnderstanding, type DialogueUnderstandingJson } from "./dialogue-understanding.js";

/**
 * The dialogue understanding trained on cpcd-intent without the `exclude`d dialogues (pass the dialogues being
 * evaluated), from the cache when it holds one for the same inputs.
 * @example const du = await trainedDialogueUnderstanding(config, encoder, domain.evaluatedDialogIds ?? []);
 */
export async function trainedDialogueUnderstanding(
  config: Config,
  encoder: TextEncoder,
  exclude: readonly string[],
  options: { readonly seed?: number; readonly log?: (line: string) => void } = {},
): Promise<DialogueUnderstanding> {
  const seed = options.seed ?? 42;
  const file = await resolveDataFile(config, CPCD_INTENT_FILE);
  const data = createHash("sha256").update(await fs.readFile(file)).digest("hex");
  const key = createHash("sha256")
    .update(JSON.stringify({ v: 1, encoder: encoder.id, data, exclude: [...new Set(exclude)].sort(), seed }))
    .digest("hex")
    .slice(0, 24);
  const cached = path.join(config.homeDir, "cache", "dialogue-understanding", `${key}.json`);
  try {
    return DialogueUnderstanding.fromJSON(JSON.parse(await fs.readFile(cached, "utf8")) as DialogueUnderstandingJson, encoder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") options.log?.(`dialogue understanding cache ${cached} unreadable (${(err as Error).message}): retraining`);
  }
  options.log?.("training dialogue understanding on cpcd-intent (once; cached)");
  const du = await DialogueUnderstanding.train(await loadCpcdIntent(config), encoder, { exclude, seed, progress: options.log });
  await writeFileAtomic(cached, JSON.stringify(du.toJSON()));
  return du;
}
