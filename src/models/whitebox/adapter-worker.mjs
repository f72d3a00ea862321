// @file Worker thread that trains whitebox adapters (TF.js), so a listener's retraining never blocks the thread that
// answers requests. Plain JavaScript on purpose: `new Worker()` loads it without the parent's TypeScript loader, so it
// registers tsx itself (as bin/askmusic.mjs does) and then runs adapter-worker-main.ts.
import { register } from "tsx/esm/api";
register();
await import("./adapter-worker-main.ts");
