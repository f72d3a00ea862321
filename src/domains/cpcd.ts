/**
 * @file The CPCD domain: the candidate pool of a CPCD dialog split (the union of its dialogues' tracks, one pool),
 * with their title, artists and album as texts and one encoded text vector; no users, no training requests.
 */
import { matrix } from "../core/matrix.js";
import type { CpcdDialog, CpcdTrack, Progress } from "../datasets/types.js";
import type { TextEncoder } from "../representations/text-encoder.js";
import type { Domain } from "./types.js";

/** Options of {@link buildCpcdDomain}. */
export interface CpcdDomainOptions {
  /** Encodes the track texts (the `tagtext` feature) and the requests. */
  readonly encoder: TextEncoder;
  readonly progress?: Progress;
}

/**
 * The union of the dialogues' tracks, sorted by track id (code-unit order), each once (its first occurrence in file
 * order; the loader has checked that a track id keeps its cluster across dialogues). Sorting hides which dialogue a
 * track came from: a dialogue's own `tracks` contains its goal tracks, so that grouping is an answer key.
 * @example cpcdPool(dialogs).map((t) => t.id) // ["0S-693Od2DY", "0WrEwVFjMf8", ...]
 */
export function cpcdPool(dialogs: readonly CpcdDialog[]): CpcdTrack[] {
  const byId = new Map<string, CpcdTrack>();
  for (const d of dialogs) for (const [id, t] of d.tracks) if (!byId.has(id)) byId.set(id, t);
  return [...byId.keys()].sort().map((id) => byId.get(id)!);
}

/**
 * The sentence a track's text vector encodes: title, artists and (when it says something the title does not) album.
 * @example cpcdTrackText({ id: "x", title: "Hey Ya!", artists: ["Outkast"], album: "Speakerboxxx", clusterId: "c", canonicalId: "x" })
 * // "Hey Ya! by Outkast, from Speakerboxxx"
 */
export function cpcdTrackText(track: CpcdTrack): string {
  const by = track.artists.length > 0 ? ` by ${track.artists.join(", ")}` : "";
  // Singles repeat their title as the album name: saying it twice would only weigh the title more.
  const from = track.album !== undefined && track.album !== "" && track.album !== track.title ? `, from ${track.album}` : "";
  return `${track.title}${by}${from}`;
}

/**
 * The domain a CPCD split is ranked over. Items: the split's pool ({@link cpcdPool}); names "title — artists";
 * texts `title`, `artists` (comma-joined) and `album` ("" when absent) for lexical models; feature `tagtext` = the
 * encoder's vector of {@link cpcdTrackText}, the item-text feature dense text models compare requests with. No users;
 * popularity all 0 (CPCD gives no interaction counts outside its answer keys, so a popularity model ranks in pool
 * order); no training or selection requests (nothing here is tuned). `evaluatedDialogIds` lists the split's
 * dialogues so that a later trainer on CPCD-derived data drops them.
 * @example
 * const d = await buildCpcdDomain(await loadCpcdDialogs(file), { encoder });
 * d.items.ids.length; // 636 on the 5-dialog sample (the union of its dialogues' tracks)
 * d.evaluatedDialogIds; // ["e504147b42cb891e", ...]
 */
export async function buildCpcdDomain(dialogs: readonly CpcdDialog[], options: CpcdDomainOptions): Promise<Domain> {
  const { encoder, progress } = options;
  const pool = cpcdPool(dialogs);
  progress?.("cpcd track texts", 0, 1);
  const tagtext = pool.length > 0 ? await encoder.encode(pool.map(cpcdTrackText)) : matrix(0, encoder.dims);
  progress?.("cpcd track texts", 1, 1);
  return {
    name: "cpcd",
    items: {
      ids: pool.map((t) => t.id),
      names: pool.map((t) => `${t.title} — ${t.artists.join(", ")}`),
      texts: {
        title: pool.map((t) => t.title),
        artists: pool.map((t) => t.artists.join(", ")),
        album: pool.map((t) => t.album ?? ""),
      },
      features: { tagtext },
      popularity: new Float32Array(pool.length),
    },
    users: { ids: [], features: {} },
    train: [],
    val: [],
    selectionNote: "none (no CPCD training or selection split is read; the models ranked here are not tuned)",
    evaluatedDialogIds: dialogs.map((d) => d.id),
    queryEncoderId: encoder.id,
    encodeQueries: (texts) => encoder.encode(texts),
  };
}
