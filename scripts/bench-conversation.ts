/**
 * @file Turn latency of conversations through the HTTP API over loopback: a server on the 48-track test catalog
 * (fake 8-d encoder, so the number is the conversation machinery: intents, understanding, ranking under the state's
 * constraints, and a durable SQLite save per turn), one client, `--conversations` conversations of 6 scripted turns.
 * `--intents trained` reads intents with the trained dialogue understanding (USE-lite per turn) from the cache
 * `eval cpcd --models state` wrote (trained without the 5 CPCD sample dialogues).
 * Usage: `npx tsx scripts/bench-conversation.ts [--conversations 50] [--intents keyword|trained]`
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { resolveConfig } from "../src/config.js";
import type { UtteranceLabeler } from "../src/conversation/retrieval/state-model.js";
import { KEYWORD_LABELER } from "../src/conversation/session.js";
import { trainedDialogueUnderstanding } from "../src/conversation/understanding/trained.js";
import { buildServer } from "../src/interfaces/http/server.js";
import { fakeQueryEncoder, testCatalog } from "../src/interfaces/http/testing.js";
import { defaultTextEncoder } from "../src/representations/default-encoder.js";
import { SqliteStateRepository } from "../src/store/state/sqlite/index.js";

const { values: args } = parseArgs({ options: { conversations: { type: "string", default: "50" }, intents: { type: "string", default: "keyword" } } });
const conversations = Number(args.conversations);
const config = resolveConfig(process.env);
const labeler: UtteranceLabeler =
  args.intents === "trained"
    ? await trainedDialogueUnderstanding(config, defaultTextEncoder(config), ["e504147b42cb891e", "ec9c4a48bd7959fa", "eda1fbad324ef678", "eefec49153dcb2e0", "fff4ff9e63910eea"])
    : KEYWORD_LABELER;
const dir = mkdtempSync(path.join(os.tmpdir(), "askmusic-bench-conv-"));
const state = SqliteStateRepository.open(path.join(dir, "state.db"));
await state.migrate();
const app = await buildServer({ catalogs: [testCatalog()], queryEncoder: fakeQueryEncoder(), state, rateLimit: false, webDir: false, labeler });
const url = await app.listen({ host: "127.0.0.1", port: 0 });
const SCRIPT = ["hi! some calm piano please, but no rap", "more like that", "not by Nordlicht", "something more energetic now", "I don't like these", "play a few jazz ones"];
const post = async (p: string, body: unknown) => {
  const res = await fetch(`${url}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
};
const times: number[] = [];
try {
  // Warm-up: one conversation not timed (JIT, the labeler's first encoder call).
  for (let c = -1; c < conversations; c++) {
    const { id } = await post("/v1/conversations", {});
    for (const text of SCRIPT) {
      const t0 = performance.now();
      await post(`/v1/conversations/${id}/turns`, { request: `${text} ${c}`, k: 10 });
      if (c >= 0) times.push(performance.now() - t0);
    }
  }
} finally {
  await app.close();
  await state.close();
  rmSync(dir, { recursive: true, force: true });
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)];
console.log(`intents ${args.intents}: ${times.length} turns, median ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms; load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
