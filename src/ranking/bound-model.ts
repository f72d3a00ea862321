/**
 * @file A serving model bound to one catalog: its rows mapped to the ranker's rows and back, once when the ranker
 * opens, so every request maps its listener's item ids to model rows at the edge and the model never sees an id.
 */
import { InputError } from "../errors.js";
import type { AdapterHandle, DialogueTurn, ProfileEdits } from "../models/recommender.js";
import { trainCommand } from "./serving-forms.js";
import type { ServingModel, ServingRequest } from "./serving-model.js";

/** A listener's context in ranker rows (the catalog ranker maps item ids to them). */
export interface ListenerRows {
  readonly user?: string;
  readonly history?: { readonly rows: readonly number[]; readonly weights?: readonly number[] };
  readonly turns?: readonly { readonly user: string; readonly system?: string; readonly liked?: readonly number[]; readonly disliked?: readonly number[] }[];
  readonly profile?: ProfileEdits;
  readonly adapter?: AdapterHandle;
}

/** A trained model bound to a catalog. Build with {@link bindModel}. */
export interface BoundModel {
  readonly model: ServingModel;
  /** Model row of each ranker row; -1 for an item a partial model does not know. */
  readonly modelRow: Int32Array;
  /** Ranker row of each model row. */
  readonly rankerRow: Int32Array;
}

/**
 * Maps a model's rows onto the catalog's. A model trained on another build of the catalog (an item it does not
 * know, another item count; for a partial model, an item the catalog lacks) or with another encoder (when it reads
 * the text) is refused with an InputError that says how to retrain it.
 */
export function bindModel(model: ServingModel, catalog: string, ids: readonly string[], encoderId: string): BoundModel {
  const retrain = `run \`${trainCommand(catalog, model.name)}\``;
  if (model.context.uses.includes("text") && model.encoderId !== encoderId) throw new InputError(`model ${model.name} of catalog "${catalog}" was trained on encoder ${model.encoderId}, but ${encoderId} is loaded: ${retrain}`);
  const partial = model.partial === true;
  if (partial ? model.itemIds.length > ids.length : model.itemIds.length !== ids.length) throw new InputError(`model ${model.name} was trained on ${model.itemIds.length} items, catalog "${catalog}" has ${ids.length}: ${retrain}`);
  const rowOfModelItem = new Map(model.itemIds.map((id, m) => [id, m]));
  const modelRow = new Int32Array(ids.length).fill(-1);
  const rankerRow = new Int32Array(model.itemIds.length).fill(-1);
  ids.forEach((id, r) => {
    const m = rowOfModelItem.get(id);
    if (m === undefined) {
      if (partial) return;
      throw new InputError(`model ${model.name} does not know item ${id} of catalog "${catalog}": ${retrain}`);
    }
    modelRow[r] = m;
    rankerRow[m] = r;
  });
  const missing = rankerRow.indexOf(-1);
  if (missing >= 0) throw new InputError(`model ${model.name} knows item ${model.itemIds[missing]}, which catalog "${catalog}" lacks: ${retrain}`);
  return { model, modelRow, rankerRow };
}

/** The serving request of one ask: the listener's ranker rows become model rows. */
export function servingRequest(bound: BoundModel, text: string, vector: Float32Array, listener: ListenerRows, wordVectors?: Float32Array): ServingRequest {
  // A partial model does not know every item: those rows are left out (a history's weights with them).
  const toModel = (rows: readonly number[]) => rows.map((r) => bound.modelRow[r]).filter((m) => m >= 0);
  const known = listener.history?.rows.flatMap((r, i) => (bound.modelRow[r] >= 0 ? [i] : []));
  const history =
    listener.history !== undefined && known !== undefined && known.length > 0
      ? { items: known.map((i) => bound.modelRow[listener.history!.rows[i]]), ...(listener.history.weights !== undefined ? { weights: known.map((i) => listener.history!.weights![i]) } : {}) }
      : undefined;
  const turns = listener.turns?.map(
    (t): DialogueTurn => ({
      user: t.user,
      ...(t.system !== undefined ? { system: t.system } : {}),
      ...(t.liked !== undefined ? { liked: toModel(t.liked) } : {}),
      ...(t.disliked !== undefined ? { disliked: toModel(t.disliked) } : {}),
    }),
  );
  return {
    text,
    vector,
    ...(wordVectors !== undefined ? { wordVectors } : {}),
    ...(listener.user !== undefined ? { user: listener.user } : {}),
    ...(history !== undefined ? { history } : {}),
    ...(turns !== undefined ? { turns } : {}),
    ...(listener.profile !== undefined ? { profile: listener.profile } : {}),
    ...(listener.adapter !== undefined ? { adapter: listener.adapter } : {}),
  };
}
