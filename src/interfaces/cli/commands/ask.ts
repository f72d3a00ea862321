/**
 * @file `askmusic ask "<request>" [--catalog jamendo|lastfm-2k] [--user ID] [--model auto] [-k 10] [--json]`: ranked
 * items with the score components that produced each rank, and which parts of the request's context were used.
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import { InputError, NotFoundError } from "../../../errors.js";
import type { Answer, AskOptions, RankedItem, TasteSource } from "../../../ranking/catalog-ranker.js";
import { AUTO_MODELS, RANKER_CHOICES } from "../../../ranking/serving-forms.js";
import type { ServingModel } from "../../../ranking/serving-model.js";
import type { Catalog } from "../../../store/catalog.js";
import type { LanceCatalog } from "../../../store/lancedb/index.js";
import { parseIntFlag } from "../options.js";

/** Opens a built catalog, or says how to build it. */
export async function openBuiltCatalog(config: Config, name: string): Promise<LanceCatalog> {
  const { INGEST_SOURCES } = await import("../../../store/ingest.js");
  const { LanceCatalog, listCatalogs } = await import("../../../store/lancedb/index.js");
  const built = await listCatalogs(config.homeDir);
  if (!built.includes(name)) {
    if (!(INGEST_SOURCES as readonly string[]).includes(name)) throw new NotFoundError("catalog", name, [...INGEST_SOURCES]);
    throw new InputError(`catalog "${name}" is not built yet in ${config.homeDir}: run \`npx askmusic ingest ${name}\` first`, { field: "catalog" });
  }
  return LanceCatalog.open(config.homeDir, name);
}

/** Parses --mmr: a number in [0, 1]. */
function parseMmr(value: string): number {
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x < 0 || x > 1) throw new InputError(`--mmr must be a number from 0 to 1, got "${value}"`, { field: "mmr" });
  return x;
}

/**
 * The "why" of one result, for `ask --explain`: each word's attention over the request as a bar (whitebox), the
 * modality weights (JAM), the prototype weights (a profile), and the history items behind its taste.
 * @example explainLines({ ..., wordAttributions: [{ word: "piano", weight: 0.5 }] }) // ["    why, by word:", "      piano  0.500 ####################"]
 */
export function explainLines(r: RankedItem): string[] {
  const lines: string[] = [];
  if (r.wordAttributions !== undefined && r.wordAttributions.length > 0) {
    const width = Math.max(...r.wordAttributions.map((a) => a.word.length));
    lines.push("    why, by word (attention over the request):");
    for (const a of r.wordAttributions) lines.push(`      ${a.word.padEnd(width)}  ${a.weight.toFixed(3)} ${"#".repeat(Math.round(a.weight * 40))}`);
  }
  if (r.modalityWeights) lines.push(`    why, by modality: ${Object.entries(r.modalityWeights).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")}`);
  if (r.prototypeWeights) lines.push(`    why, by profile: ${Object.entries(r.prototypeWeights).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")}`);
  if (r.because !== undefined && r.because.length > 0) lines.push(`    because you listen to: ${r.because.map((b) => `${b.name} (+${b.part.toFixed(3)})`).join(", ")}`);
  return lines;
}

/** Renders an answer for a terminal: rank, score, name, tags, then the score components (and with `explain`, why). */
export function formatAnswer(answer: Answer, explain = false): string {
  const lines: string[] = [];
  const { request } = answer;
  if (request.excludeTags.length + request.excludeArtists.length > 0) {
    const parts = [...request.excludeTags.map((t) => `tag ${t}`), ...request.excludeArtists.map((a) => `artist ${a}`)];
    lines.push(`excluding: ${parts.join(", ")}`);
  }
  if (request.understood.wanted.length > 0) {
    lines.push(`understood: ${request.understood.wanted.map((t) => (t.source === "literal" ? t.tag : `${t.tag} (${t.from === t.tag ? t.source : `"${t.from}"`}) ${t.weight.toFixed(2)}`)).join(", ")}`);
  }
  if (request.understood.references.length > 0) lines.push(`like: ${request.understood.references.join(", ")}`);
  for (const o of request.understood.outside) lines.push(`${o.name} is not in this catalog; ranked by its Last.fm tags: ${o.tags.join(", ")}`);
  if (request.unmatched.length > 0) lines.push(`note: could not match "${request.unmatched.join('", "')}" to a tag or artist; kept it as text`);
  lines.push(`ranked by ${answer.ranker}${answer.entities.length > 0 ? `; names ${answer.entities.map((e) => (e.similarity < 1 ? `${e.artist} (~${e.similarity.toFixed(2)})` : e.artist)).join(", ")}` : ""}`);
  const { used, ignored } = answer.context;
  lines.push(`context: used ${used.join(", ")}${ignored.length > 0 ? `; ignored ${ignored.join(", ")} (${answer.ranker} does not read ${ignored.length === 1 ? "it" : "them"})` : ""}`);
  // A profile model's prototype weights are the same for every result: the listener's profile, shown once.
  const profile = answer.results[0]?.prototypeWeights;
  if (profile !== undefined) {
    const strongest = Object.entries(profile).sort((a, b) => b[1] - a[1]);
    lines.push(`profile used (${answer.context.used.includes("profile") ? "with your edits" : "as read from your likes"}): ${strongest.slice(0, 6).map(([t, w]) => `${t} ${w.toFixed(2)}`).join(", ")}${strongest.length > 6 ? `, ... (${strongest.length} prototypes)` : ""}`);
  }
  for (const r of answer.results) {
    const components = Object.entries(r.components)
      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
      .join(" + ");
    lines.push(`${String(r.rank).padStart(2)}. ${r.score.toFixed(3)}  ${r.item.name}`);
    lines.push(`    tags: ${r.item.tags.join(", ") || "-"}${r.item.url ? `  ${r.item.url}` : ""}`);
    lines.push(`    = ${components}`);
    if (explain) {
      lines.push(...explainLines(r));
      continue;
    }
    if (r.modalityWeights) lines.push(`    modalities: ${Object.entries(r.modalityWeights).map(([k, v]) => `${k} ${(100 * v).toFixed(0)}%`).join(", ")}`);
    if (r.wordAttributions) lines.push(`    words: ${r.wordAttributions.map((a) => `${a.word} ${(100 * a.weight).toFixed(0)}%`).join(", ")}`);
    if (r.because !== undefined && r.because.length > 0) lines.push(`    because you listen to: ${r.because.map((b) => b.name).join(", ")}`);
  }
  if (answer.results.length === 0) lines.push("no item satisfies the request's constraints");
  return lines.join("\n");
}

/**
 * What `--user` means on a catalog: on lastfm-2k a number is a Last.fm user (the model's own user vector when it was
 * trained with them, else their listening history as taste, loaded only then); otherwise an askmusic user, whose
 * likes are their listening history, whose dislikes are never returned (as in the web app), and whose stored
 * profile edits (`askmusic profile set`) reach a model that reads a profile.
 */
async function listenerOf(config: Config, catalog: Catalog, user: string, model: ServingModel | undefined): Promise<{ taste?: TasteSource; ask: AskOptions }> {
  if (catalog.name === "lastfm-2k" && /^\d+$/.test(user)) {
    const { lazyTasteSource, openTasteSource } = await import("../../../ranking/taste.js");
    return { taste: lazyTasteSource(() => openTasteSource(config, catalog)), ask: { user } };
  }
  const { openStateRepository } = await import("../../../store/state/index.js");
  const state = await openStateRepository(config);
  try {
    if ((await state.getUser(user)) === undefined) {
      throw new NotFoundError("user", user, (await state.listUsers()).map((u) => u.id));
    }
    const records = await state.listFeedback(user, catalog.name);
    const liked = records.filter((r) => r.value === 1).map((r) => r.itemId);
    const disliked = records.filter((r) => r.value === -1).map((r) => r.itemId);
    const edits = await state.getProfile(user, catalog.name);
    // Their adapter of the ranking model (whitebox word feedback), which changes their requests only.
    const stored = model?.context.uses.includes("adapter") === true ? await state.getAdapter(user, catalog.name, model.name) : undefined;
    return {
      ask: {
        ...(liked.length > 0 ? { history: { items: liked } } : {}),
        ...(disliked.length > 0 ? { filter: { excludeIds: disliked } } : {}),
        ...(Object.keys(edits).length > 0 ? { profile: { prototypeWeights: edits } } : {}),
        ...(stored !== undefined ? { adapter: { user, model: model!.name, version: stored.version, arrays: stored.arrays } } : {}),
      },
    };
  } finally {
    await state.close();
  }
}

/** Registers `ask` on the program. */
export function registerAskCommand(program: Command, config: Config): void {
  program
    .command("ask")
    .description("Ask for music in your own words; prints ranked items and why each ranks where it does.")
    .argument("<request>", 'e.g. "upbeat songs for a morning run, but no rap"')
    .option("--catalog <name>", "catalog to search: jamendo | lastfm-2k", "jamendo")
    .option("--user <id>", "personalize for this user: on lastfm-2k a Last.fm user id; elsewhere an askmusic user (askmusic users add), whose likes and dislikes count")
    .option("--model <name>", `ranker: auto (the best trained model, in the order ${AUTO_MODELS.join(" > ")}; text match when none is) | none (text match) | a model by name (apron: your profile, read from your likes, with your edits)`, "auto")
    .option("-k, --k <n>", "number of results (1-100)", "10")
    .option("--max-per-album <n>", "at most n results of one album (0: no limit; default 2)")
    .option("--max-per-artist <n>", "at most n results of one artist (0: no limit; default 3)")
    .option("--mmr <lambda>", "re-rank by maximal marginal relevance over the items' text vectors, 0 < lambda < 1 (1 - lambda: how much novelty counts)")
    .option("--no-diversity", "the ranked order as it is: no album/artist limits, no folding of near-duplicate titles")
    .option("--json", "print the answer as JSON")
    .option("--explain", "print why each item ranks: attention per word of the request (whitebox), modality weights (JAM), profile weights, and the history items behind its taste")
    .action(async (request: string, opts: { catalog: string; user?: string; model: string; k: string; json?: boolean; explain?: boolean; diversity: boolean; maxPerAlbum?: string; maxPerArtist?: string; mmr?: string }) => {
      // Heavy modules load only when the command runs, so --help and input errors stay instant.
      const { CatalogRanker, checkRequest } = await import("../../../ranking/catalog-ranker.js");
      const { defaultQueryEncoder } = await import("../../../representations/default-encoder.js");
      const { openCatalogModel } = await import("../../../ranking/catalog-models.js");
      checkRequest(request);
      const k = parseIntFlag("-k", opts.k, 1, 100);
      if (!(RANKER_CHOICES as readonly string[]).includes(opts.model)) throw new NotFoundError("ranker", opts.model, RANKER_CHOICES);
      const catalog = await openBuiltCatalog(config, opts.catalog);
      const encoder = defaultQueryEncoder();
      try {
        const model = await openCatalogModel(config, opts.catalog, opts.model);
        const listener = opts.user !== undefined ? await listenerOf(config, catalog, opts.user, model) : { ask: {} };
        const { catalogGroups, catalogDescriptions, catalogCoListening } = await import("../../../ranking/albums.js");
        // Last.fm-2k descriptions and listening histories are only read when the request refers to something ("like
        // X", "similar to X").
        const refers = /\b(?:like|similar\s+to|style\s+of|vein\s+of|reminiscent\s+of|inspired\s+by)\b/i.test(request);
        const describe = refers ? await catalogDescriptions(config, opts.catalog) : undefined;
        const coListening = refers ? await catalogCoListening(config, opts.catalog) : undefined;
        const groups = opts.diversity !== false ? await catalogGroups(config, opts.catalog) : undefined;
        const ranker = await CatalogRanker.open(catalog, encoder, {
          ...(listener.taste !== undefined ? { taste: listener.taste } : {}),
          ...(groups !== undefined ? { groups } : {}),
          ...(describe !== undefined ? { describe } : {}),
          ...(coListening !== undefined ? { coListening } : {}),
          model,
          // --model auto: a stale model must not make `ask` unusable; a model asked for by name must fit.
          ...(opts.model === "auto" ? { onModelRejected: (reason: string) => process.stderr.write(`askmusic: warning: ${reason}; ranking by text match meanwhile\n`) } : {}),
        });
        const diversity =
          opts.diversity === false
            ? (false as const)
            : {
                ...(opts.maxPerAlbum !== undefined ? { maxPerAlbum: parseIntFlag("--max-per-album", opts.maxPerAlbum, 0, 100) } : {}),
                ...(opts.maxPerArtist !== undefined ? { maxPerArtist: parseIntFlag("--max-per-artist", opts.maxPerArtist, 0, 100) } : {}),
                ...(opts.mmr !== undefined ? { mmr: parseMmr(opts.mmr) } : {}),
              };
        const answer = await ranker.ask(request, { k, ...listener.ask, diversity });
        process.stdout.write(opts.json ? `${JSON.stringify(answer, null, 2)}\n` : `${formatAnswer(answer, opts.explain === true)}\n`);
      } finally {
        encoder.dispose?.();
        catalog.close();
      }
    });
}
