/**
 * @file `askmusic ask` over a real (small) LanceDB catalog encoded with USE-lite: personalization of an askmusic
 * user from their likes and dislikes, and what happens to a trained model that no longer fits the catalog.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../../config.js";
import { matrix } from "../../../core/matrix.js";
import { TalkRecServing } from "../../../models/talkrec/serving.js";
import { modelDir } from "../../../ranking/catalog-models.js";
import { handJamModel, handWhiteboxModel } from "../../../ranking/testing.js";
import { createUseLiteEncoder, USE_LITE_DIMS, USE_LITE_ID } from "../../../representations/use-lite.js";
import { buildCatalog } from "../../../store/lancedb/index.js";
import { openStateRepository } from "../../../store/state/index.js";
import { createToken, hashToken } from "../../../store/state/tokens.js";
import { syntheticItems } from "../../../store/testing.js";
import { runCli } from "../testing.js";

let home: string;
let tagVectors: Float32Array;
const items = syntheticItems(40);
const env = () => ({ ASKMUSIC_HOME: home, ASKMUSIC_DOWNLOAD: "never" });

const run = (...argv: string[]) => runCli(argv, env());

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), "askmusic-ask-"));
  const encoder = await createUseLiteEncoder();
  try {
    const tagtext = await encoder.encode(items.map((it) => it.tags.join(", ")));
    tagVectors = tagtext.data;
    await buildCatalog(home, "jamendo", { encoderId: USE_LITE_ID, batches: [{ items, vectors: { tagtext } }] }, { vectorIndex: "none" });
  } finally {
    encoder.dispose?.();
  }
  const state = await openStateRepository(resolveConfig(env()));
  await state.createUser({ id: "alice", tokenHash: hashToken(createToken()) });
  await state.setFeedback("alice", "jamendo", items[3].id, 1);
  await state.setFeedback("alice", "jamendo", items[5].id, -1);
  await state.close();
}, 120_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("askmusic ask", () => {
  it("--user on Jamendo: the askmusic user's likes add taste, their dislikes are never returned", async () => {
    const r = await run("ask", "happy jazz", "--user", "alice", "-k", "40", "--json");
    expect(r.status).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.ranker).toBe("text-match");
    const ids = answer.results.map((x: { item: { id: string } }) => x.item.id);
    expect(ids).not.toContain(items[5].id);
    expect(answer.results.every((x: { components: Record<string, number> }) => typeof x.components.taste === "number")).toBe(true);
    const liked = answer.results.find((x: { item: { id: string } }) => x.item.id === items[3].id);
    expect(liked.components.taste).toBeCloseTo(0.5, 5); // weight 0.5 x cosine 1 with itself
    const unknown = await run("ask", "happy jazz", "--user", "nobody");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown user "nobody"; must be one of: alice/);
  }, 60_000);

  it("--model talkrec ranks with a trained TalkRec; every answer says which context parts it used and ignored", async () => {
    // A TalkRec whose request tower is the identity: score = request vector · the item's tag vector.
    const identity = new Float32Array(USE_LITE_DIMS * USE_LITE_DIMS);
    for (let i = 0; i < USE_LITE_DIMS; i++) identity[i * USE_LITE_DIMS + i] = 1;
    const talkrec = new TalkRecServing({
      itemIds: items.map((it) => it.id), dims: USE_LITE_DIMS, itemVectors: tagVectors, encoderId: USE_LITE_ID, requestDims: USE_LITE_DIMS,
      requestScale: 1, layers: [{ w: identity, b: new Float32Array(USE_LITE_DIMS) }], training: { epochs: 1 },
    });
    await talkrec.save(modelDir(resolveConfig(env()), "jamendo", "talkrec"));
    const plain = await run("ask", "happy jazz", "--model", "talkrec", "-k", "5", "--json");
    expect(plain.status).toBe(0);
    const answer = JSON.parse(plain.stdout);
    expect(answer.ranker).toBe("talkrec");
    expect(answer.context).toEqual({ used: ["text"], ignored: [] });
    for (const r of answer.results) expect(Object.keys(r.components)).toEqual(["request", "understood"]);
    expect(answer.request.understood.wanted.map((t: { tag: string }) => t.tag)).toContain("jazz");
    // alice's like is her listening history: talkrec does not read it, the ranker's taste does.
    const personal = await run("ask", "happy jazz", "--model", "talkrec", "--user", "alice", "-k", "5");
    expect(personal.status).toBe(0);
    expect(personal.stdout).toMatch(/^ranked by talkrec\ncontext: used text, history$/m);
    const untrained = await run("ask", "happy jazz", "--model", "jam-moe");
    expect(untrained.status).toBe(2);
    expect(untrained.stderr).toMatch(/model jam-moe is not trained for catalog "jamendo": run `npx askmusic train jamendo --model jam-moe`/);
  }, 60_000);

  it("a trained model that no longer fits: --model auto warns and ranks by text match, a named model is an error", async () => {
    // Trained before the catalog gained its first item: 39 of its 40 items.
    const encode = (texts: readonly string[]) => matrix(texts.length, USE_LITE_DIMS, Float32Array.from({ length: texts.length * USE_LITE_DIMS }, (_, i) => Math.sin(i)));
    const stale = handJamModel(items.slice(1), { id: USE_LITE_ID, dims: USE_LITE_DIMS, encode });
    await stale.save(modelDir(resolveConfig(env()), "jamendo", "jam-cross"));
    const auto = await run("ask", "happy jazz", "-k", "3", "--json");
    expect(auto.status).toBe(0);
    expect(auto.stderr).toMatch(/warning: model jam-cross was trained on 39 items, catalog "jamendo" has 40: run `npx askmusic train jamendo`; ranking by text match/);
    expect(JSON.parse(auto.stdout).ranker).toBe("text-match");
    const named = await run("ask", "happy jazz", "--model", "jam-cross");
    expect(named.status).toBe(2);
    expect(named.stderr).toMatch(/trained on 39 items/);
  }, 60_000);

  it("--model whitebox with --user: word feedback (askmusic feedback --catalog) retrains that user's adapter, which their asks apply and --explain shows", async () => {
    await handWhiteboxModel(items, { id: USE_LITE_ID, dims: USE_LITE_DIMS }, 3, ["piano ballads", "happy piano", "slow piano"]).save(modelDir(resolveConfig(env()), "jamendo", "whitebox"));
    const before = await run("ask", "happy jazz piano", "--model", "whitebox", "--user", "alice", "-k", "5", "--json");
    expect(before.status).toBe(0);
    const a0 = JSON.parse(before.stdout);
    expect(a0.ranker).toBe("whitebox");
    expect(a0.context.used).not.toContain("adapter");
    const fb = await run("feedback", "--user", "alice", "--catalog", "jamendo", "--request", "happy jazz piano", "--strengthen", "piano");
    expect(fb.status, fb.stderr).toBe(0);
    const trained = JSON.parse(fb.stdout);
    expect(trained.version).toBe(1);
    const weight = (att: { word: string; weight: number }[], w: string) => att.find((x) => x.word === w)!.weight;
    expect(weight(trained.after, "piano")).toBeGreaterThan(weight(trained.before, "piano"));
    expect(weight(a0.results[0].wordAttributions, "piano")).toBeCloseTo(weight(trained.before, "piano"), 5);
    // alice's next ask reads her adapter: the attention shown is the retrained one.
    const after = JSON.parse((await run("ask", "happy jazz piano", "--model", "whitebox", "--user", "alice", "-k", "5", "--json")).stdout);
    expect(after.context.used).toContain("adapter");
    expect(weight(after.results[0].wordAttributions, "piano")).toBeCloseTo(weight(trained.after, "piano"), 5);
    // Nobody else's: the same request without her is ranked by the shared model.
    const anon = JSON.parse((await run("ask", "happy jazz piano", "--model", "whitebox", "-k", "5", "--json")).stdout);
    expect(weight(anon.results[0].wordAttributions, "piano")).toBeCloseTo(weight(trained.before, "piano"), 5);
    const explained = await run("ask", "happy jazz piano", "--model", "whitebox", "--user", "alice", "-k", "3", "--explain");
    expect(explained.status).toBe(0);
    expect(explained.stdout).toMatch(/why, by word \(attention over the request\):\n\s+happy\s+0\.\d{3} #*\n\s+jazz /);
    // alice liked items[3]: it is behind the taste of what she gets ("because you listen to").
    expect(explained.stdout).toContain(`because you listen to: ${items[3].name} (+`);
    const wrong = await run("feedback", "--user", "alice", "--catalog", "jamendo", "--request", "happy jazz piano", "--strengthen", "rock");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/"rock" is not a word of the request/);
  }, 120_000);
});

