/**
 * @file cpcd: turn-by-turn conversational retrieval on a CPCD dialog JSONL file, scored as CPCD's eval.py scores it
 * (see ./protocol.ts), with its official prediction file (see ./predictions.ts).
 *
 * Candidates: the union of the split's tracks, one pool sorted by track id (src/domains/cpcd.ts). A model never learns
 * which dialogue's `tracks` a track came from, nor the `goal_playlist`: both are answer keys.
 * Requests: one per turn t, in file order, qid "<dialog_id>:<t>": `text` = turn t's user utterance; `turns` = turns
 * 0..t−1, each with its user utterance, system response, disliked results, and as `liked` its seed tracks (its first
 * 3 liked results). Only the seeds, not every liked result: eval.py removes exactly those from the gold, so a turn's
 * 4th and later likes stay gold for every later turn, and handing them to a model would let it score by repeating them.
 * Nothing is masked; `depth` is deep enough that 100 clusters survive de-duplication and seed removal on every turn.
 */
import type { CpcdDialog } from "../../../datasets/types.js";
import { loadCpcdDialogs } from "../../../datasets/cpcd/index.js";
import { buildCpcdDomain } from "../../../domains/cpcd.js";
import type { DialogueTurn } from "../../../domains/requests.js";
import type { Domain, LabeledQuery } from "../../../domains/types.js";
import { InputError } from "../../../errors.js";
import type { RankedList } from "../../../models/recommender.js";
import { contentKey } from "../identity.js";
import { indexOf } from "../mapping.js";
import type { BenchmarkSpec, EvalSet, QueryIdentity, SplitFile } from "../spec.js";
import { predictionLine, scoringPrefix } from "./predictions.js";
import { CPCD_COLUMNS, CPCD_MIN_PREDICTIONS, CPCD_SEEDS_PER_TURN, remainingAt, scoreDialogues, seedTracks, toClusters, type CpcdGold } from "./protocol.js";

export { CPCD_COLUMNS } from "./protocol.js";

/** A goal track no dialogue of the split has metadata for gets a cluster of its own, which no prediction can match. */
const UNKNOWN_CLUSTER_PREFIX = "track:";

/** Where one request sits in its dialogue, and what scoring it needs. */
interface TurnPlan {
  readonly dialogId: string;
  readonly turn: number;
  /** Seed clusters of turns 0..turn (removed from its predictions and gold). */
  readonly seeds: ReadonlySet<string>;
  /** False when no gold is left after seed removal: eval.py skips the turn. */
  readonly scored: boolean;
}

/** A CPCD split bound to its domain: the requests, the official scoring, and the official prediction file. */
export interface CpcdEvalSet extends EvalSet {
  /** Dialogue id → answer key as clusters (what {@link scoreDialogues} scores against). */
  readonly gold: ReadonlyMap<string, CpcdGold>;
  /** Track id → cluster id for every track of the pool (throws on a track outside it, as eval.py's lookup fails). */
  clusterOf(trackId: string): string;
  predictions(rankings: readonly RankedList[]): string[];
}

/**
 * A read and validated CPCD dialog file.
 * @example
 * const split = new CpcdSplit(file, await loadCpcdDialogs(file));
 * split.identities[0].qid; // "e504147b42cb891e:0"
 */
export class CpcdSplit implements SplitFile {
  readonly identities: readonly QueryIdentity[];

  constructor(
    readonly file: string,
    readonly dialogs: readonly CpcdDialog[],
  ) {
    this.identities = dialogs.flatMap((d) => d.turns.map((t, i) => ({ qid: `${d.id}:${i}`, content: contentKey({ text: t.userQuery, relevant: d.goalPlaylist }) })));
  }

  /**
   * Binds the dialogues to `domain` (built from this split by {@link buildCpcdDomain}).
   * @throws InputError when a scored turn cannot have 100 predictions left after seed removal however a model ranks
   *   (the pool has too few clusters): eval.py would stop on it, so this stops before any model runs.
   */
  bind(domain: Domain): CpcdEvalSet {
    const ids = domain.items.ids;
    const index = indexOf(ids);
    const clusters = new Map<string, string>();
    for (const d of this.dialogs) for (const [id, t] of d.tracks) clusters.set(id, t.clusterId);
    if (ids.length !== clusters.size || ids.some((id) => !clusters.has(id))) {
      throw new InputError(`cpcd: the domain was not built from ${this.file}: it has ${ids.length} tracks, the split's pool ${clusters.size}`, { field: "split" });
    }
    const clusterOf = (trackId: string): string => {
      const c = clusters.get(trackId);
      if (c === undefined) throw new InputError(`cpcd: track ${trackId} is not in the candidate pool of ${this.file}`, { field: "predictions" });
      return c;
    };
    const dense = (trackId: string): number => {
      const i = index.get(trackId);
      if (i === undefined) throw new InputError(`cpcd: the domain was not built from ${this.file} (it lacks track ${trackId})`, { field: "split" });
      return i;
    };
    const itemsOfCluster = new Map<string, number[]>();
    ids.forEach((id, i) => {
      const c = clusterOf(id);
      const members = itemsOfCluster.get(c);
      if (members === undefined) itemsOfCluster.set(c, [i]);
      else members.push(i);
    });

    const gold = new Map<string, CpcdGold>();
    const requests: LabeledQuery[] = [];
    const plan: TurnPlan[] = [];
    for (const d of this.dialogs) {
      const g: CpcdGold = {
        goal: toClusters(d.goalPlaylist, (id) => clusters.get(id) ?? `${UNKNOWN_CLUSTER_PREFIX}${id}`),
        seeds: seedTracks(d.turns).map((s) => toClusters(s, clusterOf)),
      };
      gold.set(d.id, g);
      d.turns.forEach((turn, t) => {
        const remaining = remainingAt(g, t, g.goal);
        const seeds = new Set(g.seeds.slice(0, t + 1).flat());
        plan.push({ dialogId: d.id, turn: t, seeds, scored: remaining.length > 0 });
        const earlier: DialogueTurn[] = d.turns.slice(0, t).map((u) => ({
          user: u.userQuery,
          system: u.systemResponse,
          liked: u.liked.slice(0, CPCD_SEEDS_PER_TURN).map(dense),
          disliked: u.disliked.map(dense),
        }));
        requests.push({ qid: `${d.id}:${t}`, text: turn.userQuery, turns: earlier, relevant: remaining.flatMap((c) => itemsOfCluster.get(c) ?? []) });
      });
    }

    const scored = plan.filter((p) => p.scored);
    for (const p of scored) {
      const available = itemsOfCluster.size - p.seeds.size; // every seed is a liked track, so in the pool
      if (available < CPCD_MIN_PREDICTIONS) {
        throw new InputError(
          `${this.file}: turn ${p.dialogId}:${p.turn} can keep only ${available} candidate clusters after its seeds are removed; CPCD's eval.py needs ${CPCD_MIN_PREDICTIONS} predictions per scored turn and stops otherwise: evaluate a split whose tracks span more clusters`,
          { field: "split" },
        );
      }
    }
    // Ranked this deep, a turn keeps >= 100 clusters however the model orders the pool: at most one track per extra
    // member of a cluster is lost to de-duplication, and at most one per seed cluster to seed removal.
    const duplicates = ids.length - itemsOfCluster.size;
    const depth = Math.min(ids.length, CPCD_MIN_PREDICTIONS + duplicates + Math.max(0, ...scored.map((p) => p.seeds.size)));

    const rankedIds = (r: RankedList) => Array.from(r.items, (j) => ids[j]);
    const check = (rankings: readonly RankedList[]) => {
      if (rankings.length !== requests.length) throw new RangeError(`${rankings.length} rankings for ${requests.length} cpcd requests`);
    };
    return {
      requests,
      depth,
      gold,
      clusterOf,
      summarize(rankings) {
        check(rankings);
        const predictions = new Map<string, string[][]>();
        rankings.forEach((r, i) => {
          const { dialogId } = plan[i];
          const perTurn = predictions.get(dialogId) ?? [];
          perTurn.push(toClusters(rankedIds(r), clusterOf)); // plan is in turn order within each dialogue
          predictions.set(dialogId, perTurn);
        });
        return scoreDialogues(gold, predictions).summary;
      },
      predictions(rankings) {
        check(rankings);
        // One line per scored turn: eval.py fills an absent turn with [] and skips it only when it has no gold left.
        return rankings.flatMap((r, i) => {
          const p = plan[i];
          return p.scored ? [predictionLine(p.dialogId, p.turn, scoringPrefix(rankedIds(r), clusterOf, p.seeds))] : [];
        });
      },
    };
  }
}

/**
 * The cpcd benchmark: `askmusic eval cpcd --split <dialog JSONL>`; Hit/Recall/MRR at 1, 5, 10, 20, 100, macro over
 * dialogues, as CPCD's eval.py computes them; `--predictions-out` writes eval.py's input format.
 * @example
 * const split = await cpcd.readSplit(config, "cpcd_v1.dialogs.sample.jsonl");
 * const evalSet = split.bind(await cpcd.buildDomain(config, { features: "own", encoder, seed: 42, selection: "default", split }));
 * evalSet.summarize(rankings).metrics["hit@10"]; // macro Hit@10
 */
export const cpcd: BenchmarkSpec = {
  name: "cpcd",
  featureSets: ["own"],
  carries: ["text", "turns"],
  columns: CPCD_COLUMNS,
  async readSplit(_config, file) {
    return new CpcdSplit(file, await loadCpcdDialogs(file));
  },
  // No CPCD selection set is read: nothing here is tuned.
  selectionIdentities: async () => [],
  async buildDomain(_config, o) {
    if (!(o.split instanceof CpcdSplit)) {
      throw new InputError("cpcd ranks the tracks of the split it evaluates: build its domain with the split cpcd.readSplit returned", { field: "split" });
    }
    return buildCpcdDomain(o.split.dialogs, { encoder: o.encoder, progress: o.progress });
  },
};
