import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig, type Config } from "../config.js";
import { JamServing } from "../models/jam/serving.js";
import { modelDir, openCatalogModel, trainCatalogModel, trainedModels } from "./catalog-models.js";

let config: Config;
beforeAll(async () => {
  config = resolveConfig({ ASKMUSIC_HOME: await mkdtemp(path.join(os.tmpdir(), "askmusic-models-")) });
});
afterAll(() => rm(config.homeDir, { recursive: true, force: true }));

function tinyModel(model: string): JamServing {
  return new JamServing({
    model, mixing: "avg", topK: 2, dims: 2, modalities: ["tagtext"], itemIds: ["a", "b"], itemVectors: [Float32Array.of(1, 0, 0, 1)],
    bias: new Float32Array(2), encoderId: "enc", requestDims: 2, requestTransform: { scale: 1, post: 1 },
    requestW: Float32Array.of(1, 0, 0, 1), requestB: new Float32Array(2), training: { epochs: 1 },
  });
}

describe("catalog models", () => {
  it("auto picks the first trained model in preference order; none means text match; a missing one says how to train it", async () => {
    expect(await openCatalogModel(config, "jamendo")).toBeUndefined();
    await expect(openCatalogModel(config, "jamendo", "jam-avg")).rejects.toThrow(/model jam-avg is not trained for catalog "jamendo": run `npx askmusic train jamendo --model jam-avg`/);
    await tinyModel("jam-avg").save(modelDir(config, "jamendo", "jam-avg"));
    expect((await openCatalogModel(config, "jamendo"))?.model).toBe("jam-avg");
    await tinyModel("jam-cross").save(modelDir(config, "jamendo", "jam-cross"));
    expect(await trainedModels(config, "jamendo")).toEqual(["jam-cross", "jam-avg"]);
    expect((await openCatalogModel(config, "jamendo"))?.model).toBe("jam-cross");
    expect((await openCatalogModel(config, "jamendo", "jam-avg"))?.model).toBe("jam-avg");
    expect(await openCatalogModel(config, "jamendo", "none")).toBeUndefined();
    await expect(openCatalogModel(config, "jamendo", "bm25")).rejects.toThrow(/unknown model "bm25"/);
  });

  it("training refuses an unknown catalog or model before loading any data", async () => {
    const encoder = { id: "enc", dims: 2, encode: async () => { throw new Error("must not encode"); } };
    await expect(trainCatalogModel(config, "spotify", "jam-cross", { encoder })).rejects.toThrow(/unknown trainable catalog "spotify"/);
    await expect(trainCatalogModel(config, "jamendo", "twotower", { encoder })).rejects.toThrow(/unknown model "twotower"/);
  });
});
