import { runServingSuite } from "./conformance.js";
import { talkrecForm } from "./talkrec.js";

runServingSuite({ name: "talkrec", form: talkrecForm, options: { epochs: 12, patience: 12, batchSize: 32, learningRate: 0.01, leftLayers: [16], itemLayers: [16] } });
runServingSuite({ name: "talkrec, two-layer request tower", form: talkrecForm, options: { epochs: 12, patience: 12, batchSize: 32, learningRate: 0.01, leftLayers: [24, 16], itemLayers: [16] }, withUsers: false });
