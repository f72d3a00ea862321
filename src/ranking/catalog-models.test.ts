import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig, type Config } from "../config.js";
import { JamServing } from "../models/jam/serving.js";
import { TalkRecServing } from "../models/talkrec/serving.js";
import { modelDir, openCatalogModel, trainCatalogModel, trainedModels } from "./catalog-models.js";
import { SERVABLE_MODELS, SERVING_FORMS } from "./serving-forms.js";
import { profileDomain, SMALL_APRON } from "./testing.js";

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

function tinyTalkRec(): TalkRecServing {
  return new TalkRecServing({
    itemIds: ["a", "b"], dims: 2, itemVectors: Float32Array.of(1, 0, 0, 1), encoderId: "enc", requestDims: 2, requestScale: 1,
    layers: [{ w: Float32Array.of(1, 0, 0, 1), b: new Float32Array(2) }], training: { epochs: 1 },
  });
}

describe("catalog models", () => {
  it("auto picks the first trained model in preference order; none means text match; a missing one says how to train it", async () => {
    expect(await openCatalogModel(config, "jamendo")).toBeUndefined();
    await expect(openCatalogModel(config, "jamendo", "jam-avg")).rejects.toThrow(/model jam-avg is not trained for catalog "jamendo": run `npx askmusic train jamendo --model jam-avg`/);
    await tinyModel("jam-avg").save(modelDir(config, "jamendo", "jam-avg"));
    expect((await openCatalogModel(config, "jamendo"))?.name).toBe("jam-avg");
    await tinyTalkRec().save(modelDir(config, "jamendo", "talkrec"));
    expect((await openCatalogModel(config, "jamendo"))?.name).toBe("jam-avg"); // talkrec is last in the order
    expect((await openCatalogModel(config, "jamendo", "talkrec"))?.name).toBe("talkrec");
    await tinyModel("jam-cross").save(modelDir(config, "jamendo", "jam-cross"));
    expect(await trainedModels(config, "jamendo")).toEqual(["jam-cross", "jam-avg", "talkrec"]);
    expect((await openCatalogModel(config, "jamendo"))?.name).toBe("jam-cross");
    expect((await openCatalogModel(config, "jamendo", "jam-avg"))?.name).toBe("jam-avg");
    expect(await openCatalogModel(config, "jamendo", "none")).toBeUndefined();
    await expect(openCatalogModel(config, "jamendo", "bm25")).rejects.toThrow(/unknown model "bm25"/);
    await expect(openCatalogModel(config, "jamendo", "talkrec-x")).rejects.toThrow(/unknown model "talkrec-x"; must be one of: jam-cross, jam-avg, jam-moe, talkrec, whitebox, text2tracks-semantic, apron/);
    await expect(openCatalogModel(config, "jamendo", "jam-moe")).rejects.toThrow(/run `npx askmusic train jamendo --model jam-moe`/);
  });

  it("the auto order is one list, best first, and every servable model has a form", () => {
    expect(SERVABLE_MODELS).toEqual(["jam-cross", "jam-avg", "jam-moe", "talkrec", "whitebox", "text2tracks-semantic", "apron"]);
  });

  it("auto never picks the profile model (it needs a listener); by name it loads", async () => {
    const model = await SERVING_FORMS.apron.train(profileDomain(), { seed: 1, options: { ...SMALL_APRON, epochs: 1 } });
    await model.save(modelDir(config, "lastfm-2k", "apron"));
    expect(await trainedModels(config, "lastfm-2k")).toContain("apron");
    expect(await openCatalogModel(config, "lastfm-2k")).toBeUndefined();
    expect((await openCatalogModel(config, "lastfm-2k", "apron"))?.name).toBe("apron");
  });

  it("a directory holding another model's serving form is refused, naming it", async () => {
    await tinyModel("jam-avg").save(modelDir(config, "lastfm-2k", "jam-moe"));
    await expect(openCatalogModel(config, "lastfm-2k", "jam-moe")).rejects.toThrow(/holds model jam-avg, not jam-moe/);
    await tinyModel("jam-avg").save(modelDir(config, "lastfm-2k", "talkrec"));
    await expect(openCatalogModel(config, "lastfm-2k", "talkrec")).rejects.toThrow(/is not a askmusic\/talkrec-serving@1 model: format/);
  });

  it("training refuses an unknown catalog or model before loading any data", async () => {
    const encoder = { id: "enc", dims: 2, encode: async () => { throw new Error("must not encode"); } };
    await expect(trainCatalogModel(config, "spotify", "jam-cross", { encoder })).rejects.toThrow(/unknown trainable catalog "spotify"/);
    await expect(trainCatalogModel(config, "jamendo", "twotower", { encoder })).rejects.toThrow(/unknown model "twotower"/);
  });
});
