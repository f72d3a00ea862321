/**
 * @file The conformance suite every model's test runs: a synthetic domain with a known answer; ranking contracts
 * (k items, best first, never an excluded item, every index an item, k larger than the catalog); scores that agree
 * with the ranking; save/load round trip; determinism per seed; empty batches; and a quality floor measured on
 * held-out requests no model selects on.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { row, type Matrix } from "../core/matrix.js";
import { mulberry32 } from "../core/random.js";
import { topK } from "../core/topk.js";
import { CONTEXT_PARTS, type RankedList, type Recommender, type RequestContext } from "./recommender.js";
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
  /**
   * [0.6] Minimum mean NDCG@10 on the synthetic domain's held-out test requests, which no model selects on (random
   * ranking gives ~0.25 there).
   */
  readonly minTestNdcg?: number;
  /**
   * For models that ignore the request by design (popularity): the reason. The quality-floor check is then
   * replaced by one asserting that different requests get identical rankings.
   */
  readonly requestIndependent?: string;
  /** Synthetic domain options (e.g. `{ withUsers: false }`). */
  readonly domain?: Parameters<typeof makeSyntheticDomain>[0];
  /**
   * For models that only know the request texts they were trained on (tag-popularity counts train pairs): the
   * reason. Probes then ask with the train text of their genre, and the quality floor is measured on the held-out
   * requests whose text train contains (their answers are still held out).
   */
  readonly seenTextsOnly?: string;
}

const SEED = 42;

function requestsOf(queries: readonly RequestContext[]): RequestContext[] {
  return queries.map((q) => ({ text: q.text, user: q.user, history: q.history }));
}

function expectFinite(m: Matrix): void {
  let bad = 0;
  for (const v of m.data) if (!Number.isFinite(v)) bad++;
  expect(bad, "non-finite scores").toBe(0);
}

/** The domain with probes asking in words train contains and test kept to such requests (see seenTextsOnly). */
function withSeenTexts(d: SyntheticDomain): SyntheticDomain {
  const seen = new Set(d.train.map((q) => q.text));
  const genreOf = (q: { relevant: readonly number[] }) => d.itemGenre[q.relevant[0]];
  const trainText = (g: number) => d.train.find((q) => genreOf(q) === g)!.text;
  return {
    ...d,
    probes: d.probes.map((p) => ({ ...p, text: trainText(genreOf(p)) })),
    test: d.test.filter((q) => seen.has(q.text)),
  };
}

/** Item lists only, for comparing rankings exactly. */
function itemsOf(lists: readonly RankedList[]): number[][] {
  return lists.map((l) => Array.from(l.items));
}

/**
 * Registers a vitest `describe` block for one model. Call it from the model's own test file.
 * @example runRecommenderSuite({ name: "bm25", create: () => new Bm25Recommender() });
 */
export function runRecommenderSuite(options: SuiteOptions): void {
  describe(`${options.name} conformance`, () => {
    const base: SyntheticDomain = makeSyntheticDomain(options.domain);
    const domain: SyntheticDomain = options.seenTextsOnly === undefined ? base : withSeenTexts(base);
    const nItems = domain.items.ids.length;
    const probes = requestsOf(domain.probes);
    let model: Recommender;
    let ranked: RankedList[];
    let tmp: string;

    beforeAll(async () => {
      tmp = await fs.mkdtemp(path.join(os.tmpdir(), `askmusic-${options.name}-`));
      model = options.create();
      await model.fit(domain, { seed: SEED });
      ranked = await model.rank(probes, { k: 10 });
    });
    afterAll(async () => {
      model?.dispose();
      await fs.rm(tmp, { recursive: true, force: true });
    });

    it("has the registry name and declares the context it uses", () => {
      expect(model.name).toBe(options.name);
      for (const p of model.context.uses) expect(CONTEXT_PARTS).toContain(p);
      for (const p of model.context.needs) expect(model.context.uses, `needs ${p} but does not use it`).toContain(p);
    });

    it("ranks k distinct items of the catalog per request, best first", () => {
      expect(ranked.length).toBe(probes.length);
      for (const list of ranked) {
        expect(list.items.length).toBe(10);
        expect(list.scores.length).toBe(10);
        expect(new Set(list.items).size).toBe(10);
        for (const i of list.items) expect(Number.isInteger(i) && i >= 0 && i < nItems, `item ${i} outside the catalog`).toBe(true);
        for (let j = 1; j < list.scores.length; j++) expect(list.scores[j]).toBeLessThanOrEqual(list.scores[j - 1]);
        for (const s of list.scores) expect(Number.isFinite(s)).toBe(true);
      }
    });

    it("ranks the expected item first for clear requests", () => {
      domain.probes.forEach((probe, i) => {
        const first = ranked[i].items[0];
        if ((options.expectFirst ?? "relevant") === "most-popular") {
          expect(first, `probe ${probe.qid}`).toBe(topK(domain.items.popularity, 1)[0]);
        } else {
          expect(probe.relevant, `probe ${probe.qid} ("${probe.text}") ranked item ${first} first`).toContain(first);
        }
      });
    });

    it("never returns an excluded item, and still returns k items", async () => {
      const rng = mulberry32(5);
      const exclude = probes.map((_, i) => {
        // The probe's own best items plus random others: the exclusions that matter most.
        const set = new Set<number>(Array.from(ranked[i].items.subarray(0, 3)));
        while (set.size < 12) set.add(Math.floor(rng() * nItems));
        return set;
      });
      const lists = await model.rank(probes, { k: 10, exclude });
      lists.forEach((list, i) => {
        expect(list.items.length).toBe(10);
        for (const it of list.items) expect(exclude[i].has(it), `probe ${i} returned excluded item ${it}`).toBe(false);
      });
    });

    it("asked for more items than the catalog has, returns every allowed item once", async () => {
      const exclude = [new Set([0, 1, 2]), undefined];
      const lists = await model.rank(probes.slice(0, 2), { k: nItems + 50, exclude });
      expect(lists[0].items.length).toBe(nItems - 3);
      expect(new Set(lists[0].items).size).toBe(nItems - 3);
      for (const it of [0, 1, 2]) expect(lists[0].items.includes(it)).toBe(false);
      expect(new Set(lists[1].items).size).toBe(nItems);
    });

    it("an empty request list gives no rankings", async () => {
      expect(await model.rank([], { k: 10 })).toEqual([]);
    });

    it("uses a precomputed request vector like the text it encodes", async () => {
      const enc = await domain.encodeQueries(domain.probes.map((p) => p.text));
      const withVec = await model.rank(probes.map((p, i) => ({ ...p, vector: row(enc, i) })), { k: 10 });
      expect(itemsOf(withVec)).toEqual(itemsOf(ranked));
    });

    it("save -> load in a fresh instance gives identical rankings", async () => {
      const dir = path.join(tmp, "saved");
      await model.save(dir);
      const fresh = options.create();
      try {
        await fresh.load(dir, domain);
        const again = await fresh.rank(probes, { k: 10 });
        expect(itemsOf(again)).toEqual(itemsOf(ranked));
        expect(again.map((l) => Array.from(l.scores))).toEqual(ranked.map((l) => Array.from(l.scores)));
      } finally {
        fresh.dispose();
      }
    });

    it("fitting twice with the same seed gives the same rankings", async () => {
      const second = options.create();
      try {
        await second.fit(domain, { seed: SEED });
        const again = await second.rank(probes, { k: 10 });
        expect(itemsOf(again)).toEqual(itemsOf(ranked));
      } finally {
        second.dispose();
      }
    });

    it("its scores (where it scores every item) agree with its ranking", async () => {
      if (model.score === undefined) {
        // A generative model ranks without scoring every item: nothing to compare, but it must say so by omission.
        expect(model.score).toBeUndefined();
        return;
      }
      const scores = await model.score(probes);
      expect(scores.rows).toBe(probes.length);
      expect(scores.cols).toBe(nItems);
      expectFinite(scores);
      probes.forEach((_, i) => expect(Array.from(ranked[i].items)).toEqual(topK(row(scores, i), 10)));
      const empty = await model.score([]);
      expect(empty.rows).toBe(0);
      expect(empty.cols).toBe(nItems);
    });

    if (options.requestIndependent === undefined) {
      it(`clearly beats random on held-out test requests (quality floor${options.seenTextsOnly ? `; requests in words seen in train: ${options.seenTextsOnly}` : ""})`, async () => {
        expect(domain.test.length).toBeGreaterThan(8);
        const ndcg = await meanNdcgAt10(model, domain.test, domain);
        expect(ndcg).toBeGreaterThan(options.minTestNdcg ?? 0.6);
      });
    } else {
      it(`gives every request the same ranking (${options.requestIndependent})`, async () => {
        const [a, b] = domain.probes;
        const lists = await model.rank([{ text: a.text, user: a.user }, { text: `${b.text} something else`, user: b.user }], { k: 10 });
        expect(Array.from(lists[0].items)).toEqual(Array.from(lists[1].items));
      });
    }
  });
}
