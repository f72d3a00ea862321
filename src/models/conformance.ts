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

/** Checks that a model may opt out of, each with its reason (the reason is printed as the test's name). */
export interface SuiteSkips {
  readonly relevantFirst?: string;
  readonly saveLoad?: string;
  readonly determinism?: string;
  readonly qualityFloor?: string;
}

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
  /** Checks to skip, each with its reason. */
  readonly skip?: SuiteSkips;
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
  const skip = options.skip ?? {};
  const maybe = (reason: string | undefined) => (reason === undefined ? it : it.skip);
  const title = (check: string, reason: string | undefined) => (reason === undefined ? check : `${check} (skipped: ${reason})`);

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

    maybe(skip.relevantFirst)(title("ranks the expected item first for clear requests", skip.relevantFirst), () => {
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

    maybe(skip.saveLoad)(title("save -> load in a fresh instance gives identical scores", skip.saveLoad), async () => {
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

    maybe(skip.determinism)(title("fitting twice with the same seed gives the same scores", skip.determinism), async () => {
      const second = options.create();
      try {
        await second.fit(domain, { seed: SEED });
        const again = await second.score(requestsOf(domain));
        expect(Array.from(again.data)).toEqual(Array.from(scores.data));
      } finally {
        second.dispose();
      }
    });

    maybe(skip.qualityFloor)(title("clearly beats random on val (quality floor)", skip.qualityFloor), async () => {
      const ndcg = await meanNdcgAt10(model, domain.val, domain);
      expect(ndcg).toBeGreaterThan(options.minValNdcg ?? 0.6);
    });
  });
}
