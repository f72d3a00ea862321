/**
 * @file The LanceDB catalog store: build (atomic version swap), open, list.
 */
export { LanceCatalog, readManifest, type LanceManifest } from "./catalog.js";
export { buildCatalog, type BuildOptions, type BuildStage } from "./build.js";
export { acquireBuildLock, listCatalogs, catalogDir, catalogsDir, leasedVersions, readCurrent } from "./layout.js";
