/**
 * @file The shared conformance suite of the serving port: every serving form, trained through its own `train` on a
 * synthetic domain with a known right answer, must rank and explain a request the way ask and serve rely on.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeSyntheticDomain, type SyntheticDomain } from "../../models/testing/synthetic-domain.js";
import type { ServingForm, ServingModel, ServingRequest } from "../serving-model.js";

/** Options of {@link runServingSuite}. */
export interface ServingSuiteOptions {
  /** Suite title, e.g. "jam-cross". */
  readonly name: string;
  readonly form: ServingForm;
  /** The model's options for a quick fit on the synthetic domain. */
  readonly options: Readonly<Record<string, unknown>>;
  /** [withUsers=true] Fit on the synthetic domain with users. */
  readonly withUsers?: boolean;
}

/**
 * Registers the suite: candidates are the exhaustive top k under `accept` with exact scores; explanations add up;
 * the context report never claims a part the model does not use; ids and encoder are the domain's; save → load
 * gives the same answers; a wrong-size vector is an InputError; the genre probes rank their genre first.
 */
export function runServingSuite(o: ServingSuiteOptions): void {
  describe(`${o.name} serving conformance`, () => {
    let domain: SyntheticDomain;
    let model: ServingModel;
    // A model that reads word by word also gets each word's vector, as the catalog ranker sends them.
    const request = async (text: string, extra: Partial<ServingRequest> = {}): Promise<ServingRequest> => {
      const words = model?.words?.(text) ?? [];
      const encoded = await domain.encodeQueries([text, ...words]);
      return { text, vector: encoded.data.slice(0, encoded.cols), ...(words.length > 0 ? { wordVectors: encoded.data.slice(encoded.cols) } : {}), ...extra };
    };

    beforeAll(async () => {
      domain = makeSyntheticDomain({ itemsPerGenre: 50, withUsers: o.withUsers ?? true });
      model = await o.form.train(domain, { seed: 7, options: o.options });
    }, 120_000);

    it("knows the domain's item ids and encoder, and records its training", () => {
      expect(model.itemIds).toEqual(domain.items.ids);
      expect(model.encoderId).toBe(domain.queryEncoderId);
      expect(model.training.seed).toBe(7);
      expect(typeof model.training.trainSeconds).toBe("number");
    });

    it("candidates: \"final\" is the exhaustive top k under accept, \"reranked\" about it; best first, with exact scores", async () => {
      model.warm();
      const all = [...domain.items.ids.keys()];
      const odd = (r: number) => r % 2 === 1;
      for (const text of ["loud rock guitar", "smooth jazz swing", "club techno beats"]) {
        const prepared = model.prepare(await request(text));
        const scores = prepared.score(all);
        const exhaustive = (k: number) => all.filter(odd).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
        const final = prepared.candidates({ k: 10, accept: odd, use: "final" });
        expect(final.rows).toEqual(exhaustive(10));
        final.scores.forEach((s, i) => expect(s).toBeCloseTo(scores[final.rows[i]], 5));
        // A pool for re-ranking: k accepted rows, best first by their exact scores, mostly the true best.
        const pool = prepared.candidates({ k: 40, accept: odd, use: "reranked" });
        expect(pool.rows).toHaveLength(40);
        expect(pool.rows.every(odd)).toBe(true);
        pool.scores.forEach((s, i) => {
          expect(s).toBeCloseTo(scores[pool.rows[i]], 5);
          if (i > 0) expect(s).toBeLessThanOrEqual(pool.scores[i - 1]);
        });
        const best = new Set(exhaustive(40));
        expect(pool.rows.filter((r) => best.has(r)).length).toBeGreaterThanOrEqual(32);
        // More rows asked for than are accepted: all accepted ones.
        const few = (r: number) => r < 5;
        expect([...prepared.candidates({ k: 50, accept: few, use: "final" }).rows].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
      }
    });

    it("explains a row with parts that add up to its score", async () => {
      const prepared = model.prepare(await request("acoustic folk ballad"));
      for (const row of [0, 17, 123]) {
        const e = prepared.explain(row);
        expect(Object.values(e.parts).reduce((a, b) => a + b, 0)).toBeCloseTo(prepared.score([row])[0], 4);
        if (e.modalityWeights !== undefined) expect(Object.values(e.modalityWeights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      }
    });

    it("reports as used only parts it uses and the request carries", async () => {
      const plain = model.prepare(await request("jazz"));
      expect(plain.used).toEqual(["text"]);
      const full = model.prepare(
        await request("jazz", { history: { items: [1, 2] }, turns: [{ user: "calm please" }], profile: { prototypeWeights: { jazz: 0 } }, adapter: { user: "a", model: "other", version: 1, arrays: {} } }),
      );
      for (const part of full.used) expect(model.context.uses).toContain(part);
      expect(full.used).toContain("text");
      expect(model.prepare(await request("jazz", { user: "nobody-knows-me" })).used).not.toContain("user");
    });

    it("ranks each genre's probe request with that genre first", async () => {
      for (const probe of domain.probes) {
        const top = model.prepare(await request(probe.text)).candidates({ k: 10, use: "final" });
        const hits = top.rows.filter((r) => probe.relevant.includes(r)).length;
        expect(hits, probe.text).toBeGreaterThanOrEqual(7);
      }
    });

    it("answers the same after save and load, and refuses a request vector of the wrong size", async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "serving-suite-"));
      try {
        await model.save(dir);
        const loaded = await o.form.load(dir);
        expect(loaded.name).toBe(model.name);
        const r = await request("loud guitar riffs");
        const a = model.prepare(r).candidates({ k: 10, use: "final" });
        const b = loaded.prepare(r).candidates({ k: 10, use: "final" });
        expect(b.rows).toEqual(a.rows);
        expect(b.scores).toEqual(a.scores);
        expect(() => loaded.prepare({ text: "x", vector: new Float32Array(3) })).toThrow(/request vector has 3 values/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
