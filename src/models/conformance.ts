/**
 * @file The conformance suite every model's test runs: a synthetic domain with a known answer, shapes, save/load
 * round trip, determinism per seed, empty batches and a quality floor.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { row, type Matrix } from "../core/matrix.js";
import { topK } from "../core/topk.js";
import type { Recommender, ScoreRequest } from "./recommender.js";
import { makeSyntheticDomain, type SyntheticDomain } from "./testing/synthetic-domain.js";
import { meanNdcgAt10 } from "./validation.js";

/** Options of {@link runRecommenderSuite}. */
export interface SuiteOptions {
  /** Model name as in the registry (`popularity`, `bm25`, ...). */
  readonly name: string;
  /** A fresh, unfitted model. */
  readonly create: () => Recommender;
  /** ["relevant"] What a clear request must rank first: a relevant item, or the most popular item. */
  readonly expectFirst?: "relevant" | "most-popular";
  /** [0.6] Minimum mean val NDCG@10 on the synthetic domain (random ranking gives ~0.25 there). */
  readonly minValNdcg?: number;
  /**
   * For models that ignore the request by design (popularity): the reason. The quality-floor check is then
   * replaced by one asserting that different requests get identical scores.
   */
  readonly requestIndependent?: string;
  /** Synthetic domain options (e.g. `{ withUsers: false }`). */
  readonly domain?: Parameters<typeof makeSyntheticDomain>[0];
}

const SEED = 42;

function requestsOf(domain: SyntheticDomain): ScoreRequest[] {
  return domain.probes.map((q) => ({ text: q.text, user: q.user }));
}

function expectFinite(m: Matrix): void {
  let bad = 0;
  for (const v of m.data) if (!Number.isFinite(v)) bad++;
  expect(bad, "non-finite scores").toBe(0);
}

/**
 * Registers a vitest `describe` block for one model. Call it from the model's own test file.
 * @example runRecommenderSuite({ name: "bm25", create: () => new Bm25Recommender() });
 */
export function runRecommenderSuite(options: SuiteOptions): void {

  describe(`${options.name} conformance`, () => {
    const domain = makeSyntheticDomain(options.domain);
    let model: Recommender;
    let scores: Matrix;
    let tmp: string;

    beforeAll(async () => {
      tmp = await fs.mkdtemp(path.join(os.tmpdir(), `askmusic-${options.name}-`));
      model = options.create();
      await model.fit(domain, { seed: SEED });
      scores = await model.score(requestsOf(domain));
    });
    afterAll(async () => {
      model?.dispose();
      await fs.rm(tmp, { recursive: true, force: true });
    });

    it("has the registry name", () => {
      expect(model.name).toBe(options.name);
    });

    it("scores: rows = requests, cols = items, all finite", () => {
      expect(scores.rows).toBe(domain.probes.length);
      expect(scores.cols).toBe(domain.items.ids.length);
      expect(scores.data.length).toBe(scores.rows * scores.cols);
      expectFinite(scores);
    });

    it("ranks the expected item first for clear requests", () => {
      domain.probes.forEach((probe, i) => {
        const first = topK(row(scores, i), 1)[0];
        if ((options.expectFirst ?? "relevant") === "most-popular") {
          expect(first, `probe ${probe.qid}`).toBe(topK(domain.items.popularity, 1)[0]);
        } else {
          expect(probe.relevant, `probe ${probe.qid} ("${probe.text}") ranked item ${first} first`).toContain(first);
        }
      });
    });

    it("an empty request list gives a 0-row matrix", async () => {
      const empty = await model.score([]);
      expect(empty.rows).toBe(0);
      expect(empty.cols).toBe(domain.items.ids.length);
    });

    it("uses a precomputed request vector like the text it encodes", async () => {
      const enc = await domain.encodeQueries(domain.probes.map((p) => p.text));
      const withVec = await model.score(domain.probes.map((p, i) => ({ text: p.text, user: p.user, vector: row(enc, i) })));
      expect(Array.from(withVec.data)).toEqual(Array.from(scores.data));
    });

    it("save -> load in a fresh instance gives identical scores", async () => {
      const dir = path.join(tmp, "saved");
      await model.save(dir);
      const fresh = options.create();
      try {
        await fresh.load(dir, domain);
        const again = await fresh.score(requestsOf(domain));
        expect(Array.from(again.data)).toEqual(Array.from(scores.data));
      } finally {
        fresh.dispose();
      }
    });

    it("fitting twice with the same seed gives the same scores", async () => {
      const second = options.create();
      try {
        await second.fit(domain, { seed: SEED });
        const again = await second.score(requestsOf(domain));
        expect(Array.from(again.data)).toEqual(Array.from(scores.data));
      } finally {
        second.dispose();
      }
    });

    if (options.requestIndependent === undefined) {
      it("clearly beats random on val (quality floor)", async () => {
        const ndcg = await meanNdcgAt10(model, domain.val, domain);
        expect(ndcg).toBeGreaterThan(options.minValNdcg ?? 0.6);
      });
    } else {
      it(`gives every request the same scores (${options.requestIndependent})`, async () => {
        const [a, b] = domain.probes;
        const m = await model.score([{ text: a.text, user: a.user }, { text: `${b.text} something else`, user: b.user }]);
        expect(Array.from(m.data.subarray(0, m.cols))).toEqual(Array.from(m.data.subarray(m.cols)));
      });
    }
  });
}
