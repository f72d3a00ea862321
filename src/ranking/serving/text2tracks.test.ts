import { runServingSuite } from "./conformance.js";
import { text2tracksForm } from "./text2tracks.js";

// beam = the catalog's 200 items: the search is then exhaustive, which the suite's "final" candidates must be.
runServingSuite({
  name: "text2tracks-semantic",
  form: text2tracksForm("semantic"),
  options: { levels: 2, codes: 8, hidden: 16, embed: 8, epochs: 30, patience: 30, batchSize: 32, learningRate: 0.02, beam: 200, idCache: "none" },
});
