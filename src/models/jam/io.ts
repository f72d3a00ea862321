/**
 * @file A fitted JAM model on disk (its parameters, input transforms and options, to score the same domain again)
 * and in serving form (plain arrays for requests, see serving.ts).
 */
import { z } from "zod";
import { matrix } from "../../core/matrix.js";
import type { Domain } from "../../domains/types.js";
import { DataError } from "../../errors.js";
import { tf } from "../tf/backend.js";
import { loadArrays, saveArrays, type NamedArray } from "../tf/weights-io.js";
import { bindInputs, disposeFitted, modalityNames, pairPrior, userCount, userMatrix, type Fitted } from "./fitted.js";
import type { InputTransform } from "./inputs.js";
import { JamOptionsSchema, type JamOptions, type Mixing } from "./options.js";
import { project } from "./params.js";
import type { JamScorer } from "./scoring.js";
import { JamServing } from "./serving.js";

const TransformSchema = z.object({ scale: z.number(), post: z.number(), pca: z.string().optional() });
const MetaSchema = z.object({
  format: z.string(),
  mixing: z.enum(["avg", "cross", "moe"]),
  options: JamOptionsSchema,
  domain: z.string(),
  items: z.number().int(),
  features: z.array(z.string()),
  itemTransforms: z.array(TransformSchema),
  requestTransform: TransformSchema,
  userTransform: TransformSchema.optional(),
  requestDims: z.number().int(),
});
type SavedTransform = z.output<typeof TransformSchema>;

/** The saved format of a model: "askmusic/jam-cross@1" etc. */
export function jamFormat(name: string): string {
  return `askmusic/${name}@1`;
}

/** Writes everything needed to score `fitted.domain` again into `dir` (model.json + weights.f32, atomically). */
export async function saveJam(dir: string, name: string, mixing: Mixing, options: JamOptions, f: Fitted): Promise<void> {
  const arrays: NamedArray[] = f.params.variables.map((v, k) => ({ name: f.params.keys[k], shape: v.shape, data: v.dataSync() as Float32Array }));
  const savedT = (t: InputTransform, key: string): SavedTransform => {
    if (t.pca === undefined) return { scale: t.scale, post: t.post };
    arrays.push({ name: `${key}/mean`, shape: [t.pca.mean.length], data: t.pca.mean });
    arrays.push({ name: `${key}/components`, shape: [t.pca.components.rows, t.pca.components.cols], data: t.pca.components.data });
    return { scale: t.scale, post: t.post, pca: key };
  };
  const meta: z.input<typeof MetaSchema> = {
    format: jamFormat(name),
    mixing,
    options,
    domain: f.domain.name,
    items: f.domain.items.ids.length,
    features: f.features,
    itemTransforms: f.itemT.map((t, k) => savedT(t, `pca/item/${f.features[k]}`)),
    requestTransform: savedT(f.requestT, "pca/request"),
    ...(f.userT !== undefined ? { userTransform: savedT(f.userT, "pca/user") } : {}),
    requestDims: f.requestDims,
  };
  if (f.history !== undefined) arrays.push({ name: "user/history", shape: [f.history.rows, f.history.cols], data: f.history.data });
  await saveArrays(dir, meta, arrays);
}

/**
 * Reads what {@link saveJam} wrote for `domain` (the domain it was fit on): the saved options and a fitted state
 * with the saved weights. A file of another model, another item count or missing arrays is a DataError naming it.
 */
export async function loadJam(dir: string, name: string, domain: Domain): Promise<{ options: JamOptions; fitted: Fitted }> {
  const { meta: raw, arrays } = await loadArrays(dir);
  const file = `${dir}/model.json`;
  const format = jamFormat(name);
  const parsed = MetaSchema.safeParse(raw);
  if (!parsed.success || parsed.data.format !== format) {
    throw new DataError(`${file} is not a ${format} model (${parsed.success ? `format ${parsed.data.format}` : parsed.error.issues[0]?.message})`, { path: file, expected: format });
  }
  const meta = parsed.data;
  if (meta.items !== domain.items.ids.length) {
    throw new DataError(`${file} was saved for ${meta.items} items, domain ${domain.name} has ${domain.items.ids.length}: refit`, { path: file });
  }
  const transform = (t: SavedTransform): InputTransform => {
    if (t.pca === undefined) return { scale: t.scale, post: t.post };
    const mean = arrays.get(`${t.pca}/mean`);
    const comps = arrays.get(`${t.pca}/components`);
    if (mean === undefined || comps === undefined || comps.shape.length !== 2) throw new DataError(`${file}: PCA arrays ${t.pca} are missing`, { path: file });
    return { scale: t.scale, post: t.post, pca: { mean: mean.data, components: matrix(comps.shape[0], comps.shape[1], comps.data) } };
  };
  const options = meta.options;
  for (const feature of meta.features) {
    if (domain.items.features[feature] === undefined) throw new DataError(`${file}: model uses items.features.${feature}, domain ${domain.name} lacks it`, { path: file });
  }
  const users = userMatrix(name, options, domain);
  if ((users !== undefined) !== (meta.userTransform !== undefined)) {
    throw new DataError(`${file}: model was fit ${meta.userTransform ? "with" : "without"} users, domain ${domain.name} ${users ? "has" : "has no"} users`, { path: file });
  }
  const h = arrays.get("user/history");
  if (options.userHistory && meta.userTransform !== undefined && (h === undefined || h.shape.length !== 2)) throw new DataError(`${file}: array user/history is missing`, { path: file });
  const fitted = bindInputs(
    name,
    meta.mixing,
    options,
    domain,
    {
      features: meta.features,
      itemT: meta.itemTransforms.map(transform),
      requestT: transform(meta.requestTransform),
      userT: meta.userTransform ? transform(meta.userTransform) : undefined,
      requestDims: meta.requestDims,
      ...(h !== undefined ? { savedHistory: matrix(h.shape[0], h.shape[1], h.data) } : {}),
    },
    0,
  );
  const values: Float32Array[] = [];
  for (const [k, v] of fitted.params.variables.entries()) {
    const key = fitted.params.keys[k];
    const a = arrays.get(key);
    if (a === undefined || a.shape.join("x") !== v.shape.join("x")) {
      disposeFitted(fitted);
      throw new DataError(`${file}: weight ${key} is ${a === undefined ? "missing" : `shaped [${a.shape}]`}, expected [${v.shape}]`, { path: file });
    }
    values.push(a.data);
  }
  fitted.params.restore(values);
  return { options, fitted };
}

/**
 * The fitted model in serving form (plain arrays, no TF.js): item modality vectors, biases, the request and gate
 * projections and every trained user's final vector. `training` is stored with it for display.
 */
export function jamToServing(name: string, mixing: Mixing, options: JamOptions, scorer: JamScorer, training: Readonly<Record<string, unknown>>): JamServing {
  const f = scorer.fitted;
  const p = f.params;
  const read = (t: tf.Tensor) => new Float32Array(t.dataSync());
  const { vectors: itemVectors, bias } = scorer.itemVectors();
  const prior = pairPrior(f);
  const nUsers = userCount(f);
  let userVectors: Float32Array | undefined;
  if (nUsers > 0 && p.user !== undefined) {
    userVectors = tf.tidy(() => {
      const xu = tf.slice(f.userX!, [0, 0], [nUsers, -1]);
      const u = project(xu, p.user!);
      return read(p.userEmb !== undefined ? tf.add(u, tf.slice(p.userEmb, [0, 0], [nUsers, -1])) : u);
    });
  }
  return new JamServing({
    model: name,
    mixing,
    topK: options.topK,
    dims: options.dims,
    modalities: modalityNames(f),
    itemIds: f.domain.items.ids,
    itemVectors,
    bias,
    encoderId: f.domain.queryEncoderId,
    requestDims: f.requestDims,
    requestTransform: f.requestT,
    requestW: read(p.request.w),
    requestB: read(p.request.b),
    ...(mixing === "moe" && p.gateW !== undefined && p.gateB !== undefined ? { gateW: read(p.gateW), gateB: read(p.gateB) } : {}),
    ...(userVectors !== undefined ? { userIds: f.domain.users.ids, userVectors } : {}),
    training,
    ...(prior !== undefined ? { pair: prior } : {}),
  });
}
