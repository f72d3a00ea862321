/**
 * @file Request vectors for a batch: the precomputed `vector` where given, else `domain.encodeQueries` once per
 * distinct text (cached per domain, since USE costs ~5 ms a sentence and training/validation repeat texts).
 */
import { matrix, type Matrix } from "../core/matrix.js";
import type { Domain } from "../domains/types.js";
import { InputError } from "../errors.js";

const cache = new WeakMap<Domain, Map<string, Float32Array>>();

/**
 * rows = requests, cols = the domain's request vector size. Every given `vector` must have that size.
 * @example (await requestVectors([{ text: "jazz" }], domain)).rows // 1
 */
export async function requestVectors(
  requests: readonly { readonly text: string; readonly vector?: Float32Array }[],
  domain: Domain,
): Promise<Matrix> {
  let known = cache.get(domain);
  if (known === undefined) {
    known = new Map();
    cache.set(domain, known);
  }
  const missing = [...new Set(requests.filter((r) => r.vector === undefined && !known!.has(r.text)).map((r) => r.text))];
  let cols = -1;
  if (missing.length > 0) {
    const encoded = await domain.encodeQueries(missing);
    cols = encoded.cols;
    missing.forEach((t, i) => known!.set(t, encoded.data.slice(i * encoded.cols, (i + 1) * encoded.cols)));
  }
  const rows = requests.map((r) => r.vector ?? known!.get(r.text)!);
  if (rows.length === 0) {
    // The request size is only known by encoding something: an empty batch asks the encoder for its width.
    return matrix(0, cols >= 0 ? cols : (await domain.encodeQueries([])).cols);
  }
  const width = rows[0].length;
  const out = matrix(rows.length, width);
  rows.forEach((v, i) => {
    if (v.length !== width) {
      throw new InputError(`request ${i} ("${requests[i].text.slice(0, 40)}") has a ${v.length}-d vector, expected ${width} (domain ${domain.name}, encoder ${domain.queryEncoderId})`, { field: "vector" });
    }
    out.data.set(v, i * width);
  });
  return out;
}
