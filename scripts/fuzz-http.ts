/**
 * @file Fuzzes the HTTP server over loopback: seeded random and malformed requests across every endpoint (bad
 * methods, paths, headers, tokens, media types, JSON, raw broken HTTP), against `askmusic serve` in a child
 * process with a throwaway state database. Half the requests come from the per-endpoint cases of
 * src/interfaces/http/fuzz.ts (every OpenAPI endpoint, with percent-encoded and absolute-form paths); the run stops
 * at once if an endpoint has none. Bounded by `--requests` and `--seconds`. Reports status counts,
 * 5xx responses and crashes (the child exiting, or /healthz failing afterwards); exits 1 if any.
 *
 * Usage: `npx tsx scripts/fuzz-http.ts [--requests 10000] [--seconds 600] [--seed 1] [--catalog jamendo]`
 * The catalog is read from $ASKMUSIC_HOME (symlinked into a temporary home; nothing is written there).
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { resolveConfig } from "../src/config.js";
import { mulberry32, randInt, type Rng } from "../src/core/random.js";
import { openStateRepository } from "../src/store/state/index.js";
import { createToken, hashToken } from "../src/store/state/tokens.js";
import { documentedOperations, fuzzRequest, missingFuzzCases, type FuzzContext } from "../src/interfaces/http/fuzz.js";
import { spawnServe } from "./lib/spawn-serve.js";

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "10000" },
    seconds: { type: "string", default: "600" },
    seed: { type: "string", default: "1" },
    catalog: { type: "string", default: "jamendo" },
    concurrency: { type: "string", default: "8" },
  },
});
const total = Number(args.requests);
const deadline = Date.now() + Number(args.seconds) * 1000;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[randInt(r, xs.length)];

// A home with the built catalogs and a fresh state database.
const config = resolveConfig(process.env);
const home = mkdtempSync(path.join(os.tmpdir(), "askmusic-fuzz-"));
symlinkSync(path.join(config.homeDir, "catalogs"), path.join(home, "catalogs"));
const state = await openStateRepository({ homeDir: home });
const token = createToken();
await state.createUser({ id: "fuzzer", tokenHash: hashToken(token) });
const item = "track_0000214";
// Throwaway users for the DELETE /v1/users/me cases (the fuzzer's own user is never erased).
const victims: string[] = [];
for (let i = 0; i < 20; i++) {
  const t = createToken();
  await state.createUser({ id: `victim-${i}`, tokenHash: hashToken(t) });
  victims.push(t);
}
await state.close();

const server = await spawnServe(["--rate-limit", "0", "--catalog", args.catalog!], {
  stderr: "pipe",
  env: { ...process.env, ASKMUSIC_HOME: home, ASKMUSIC_DATABASE_URL: "" },
});
const child = server.child;
let exited: number | null | undefined;
child.on("exit", (code) => (exited = code));
const base = server.url;
const { hostname, port } = new URL(base);

// Every documented endpoint has fuzz cases (src/interfaces/http/fuzz.ts); one without them stops the run.
// Retried: right after start, a loaded machine can make the server shed (503) for a few seconds.
let openapiResponse = await fetch(`${base}/openapi.json`);
for (let i = 0; i < 60 && openapiResponse.status !== 200; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  openapiResponse = await fetch(`${base}/openapi.json`);
}
if (openapiResponse.status !== 200) throw new Error(`GET /openapi.json answered ${openapiResponse.status} for a minute`);
const openapi = (await openapiResponse.json()) as { paths: Record<string, Record<string, unknown>> };
const missing = missingFuzzCases(openapi);
if (missing.length > 0) {
  console.error(`fuzz-http: no fuzz case for ${missing.join(", ")}: add them to FUZZ_CASES in src/interfaces/http/fuzz.ts`);
  child.kill("SIGKILL");
  process.exit(1);
}
const operations = documentedOperations(openapi);
const fuzzContext: FuzzContext = { token, catalog: args.catalog!, itemId: item, assets: ["app.js", "style.css", "favicon.svg"], victims };

// ---- generators -------------------------------------------------------------------------------------------
const WORDS = ["calm", "piano", "rock", "no", "rap", "without", "vocals", "but", "not", "by", "\u0000", "é", "🎵", "'", '"', "<script>", "%", "\\", "NaN", "null", "__proto__", "constructor", "DROP TABLE", "\n", "\t", " "];
const text = (r: Rng, max = 12) => Array.from({ length: randInt(r, max) + 1 }, () => pick(r, WORDS)).join(pick(r, [" ", "", ",", "  "]));
const junk = (r: Rng, n: number) => Array.from({ length: n }, () => String.fromCharCode(randInt(r, 0xffff))).join("");
/** encodeURIComponent that accepts lone surrogates (they become U+FFFD, as a browser would send them). */
const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));
const anyValue = (r: Rng, depth = 0): unknown => {
  switch (randInt(r, depth > 3 ? 6 : 9)) {
    case 0: return null;
    case 1: return randInt(r, 2) === 0;
    case 2: return pick(r, [0, -1, 1, 2.5, 1e308, -1e308, 100, 101, Number.MAX_SAFE_INTEGER + 2, 10]);
    case 3: return text(r);
    case 4: return "x".repeat(pick(r, [0, 1, 2000, 2001, 20_000]));
    case 5: return junk(r, randInt(r, 40));
    case 6: return Array.from({ length: randInt(r, 4) }, () => anyValue(r, depth + 1));
    case 7: return Object.fromEntries(Array.from({ length: randInt(r, 4) }, () => [pick(r, ["request", "k", "catalog", "itemId", "value", "__proto__", "constructor", junk(r, 3)]), anyValue(r, depth + 1)]));
    default: return { request: text(r), k: anyValue(r, depth + 1) };
  }
};
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

const PATHS = ["/v1/ask", "/v1/feedback", `/v1/items/jamendo/${item}`, "/v1/items/jamendo/nope", "/v1/catalogs", "/v1/users/me", "/healthz", "/readyz", "/openapi.json", "/", "/assets/app.js", "/assets/style.css"];
function randomPath(r: Rng): string {
  // Most requests hit a real route, so they get past routing into validation and the handlers.
  switch (randInt(r, 14)) {
    case 0: return `/v1/items/${enc(text(r, 3))}/${enc(junk(r, randInt(r, 300)))}`;
    case 1: return `/assets/${pick(r, ["..%2F..%2Fpackage.json", "../server.ts", "app.js%00", "x".repeat(400), "%ff%fe"])}`;
    case 2: return `${pick(r, PATHS)}?${enc(text(r))}=${enc(junk(r, 10))}`;
    case 3: return `/${Array.from({ length: randInt(r, 6) }, () => enc(text(r, 2))).join("/")}`;
    case 4: return `${pick(r, PATHS)}/${pick(r, ["", "..", "%2e%2e", "//", "x"])}`;
    default: return pick(r, PATHS);
  }
}

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

function randomRequest(r: Rng): Req {
  const method = randInt(r, 10) < 7 ? pick(r, ["GET", "POST"]) : pick(r, ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
  const headers: Record<string, string> = {};
  const auth = randInt(r, 6);
  if (auth === 0) headers.authorization = `Bearer ${token}`;
  else if (auth === 1) headers.authorization = pick(r, ["Bearer", "Bearer ", "Basic abc", `Bearer ${"a".repeat(5000)}`, `bearer  ${token} x`, `Bearer ${junk(r, 20).replace(/[^\x21-\x7e]/g, "a")}`]);
  let body: string | Buffer | undefined;
  if (method !== "GET" && method !== "HEAD" && randInt(r, 10) > 0) {
    const kind = randInt(r, 10);
    if (kind <= 3) body = JSON.stringify(anyValue(r));
    else if (kind === 4) body = JSON.stringify({ request: text(r), k: pick(r, [1, 5, 10, 100]), ...(randInt(r, 3) === 0 ? { catalog: pick(r, ["jamendo", "nope", "../x"]) } : {}) });
    else if (kind === 5) body = JSON.stringify({ itemId: pick(r, [item, "track_0000001", junk(r, 5), ""]), value: pick(r, ["like", "dislike", "clear", "love", 1]) });
    else if (kind === 6) body = JSON.stringify({ request: text(r) }).slice(0, randInt(r, 20)); // truncated JSON
    else if (kind === 7) body = Buffer.from(Array.from({ length: randInt(r, 200) }, () => randInt(r, 256)));
    else if (kind === 8) body = deep(pick(r, [10, 1000, 5000]));
    else body = "x".repeat(pick(r, [16_000, 17_000, 100_000]));
    headers["content-type"] = pick(r, ["application/json", "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "", "application/problem+json"]);
    if (headers["content-type"] === "") delete headers["content-type"];
  }
  if (randInt(r, 10) === 0) headers.accept = pick(r, ["text/html", "*/*", junk(r, 5).replace(/[^\x21-\x7e]/g, "a")]);
  return { method, path: randomPath(r), headers, body };
}

/** Raw, broken HTTP: the server must answer 4xx or close, never fall over. */
function rawGarbage(r: Rng): string {
  return pick(r, [
    "GARBAGE\r\n\r\n",
    `POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"request":"a"}`,
    `POST /v1/ask HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n`,
    `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET / HTTP/1.1\r\n${"X-A: b\r\n".repeat(3000)}\r\n`,
    `GET / HTTP/9.9\r\n\r\n`,
    junk(r, 200),
  ]);
}

function send(req: Req): Promise<number> {
  return new Promise((resolve) => {
    const h = http.request({ host: hostname, port, method: req.method, path: req.path, headers: req.headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(-1));
    });
    h.setTimeout(30_000, () => h.destroy());
    h.on("error", () => resolve(-1));
    h.end(req.body);
  });
}

function sendRaw(payload: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let data = "";
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on("data", (d) => (data += d.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? -1)));
    socket.end(payload);
  });
}

// ---- run ------------------------------------------------------------------------------------------------------
// Whatever happens below, the server child does not outlive this script.
process.on("exit", () => child.kill("SIGKILL"));
const counts = new Map<number, number>();
const fivexx: string[] = [];
const unanswered: string[] = [];
let sent = 0;
const t0 = Date.now();
async function worker(r: Rng) {
  while (sent < total && Date.now() < deadline && exited === undefined) {
    sent++;
    let status: number;
    let label: string;
    if (randInt(r, 50) === 0) {
      const raw = rawGarbage(r);
      label = `RAW ${JSON.stringify(raw.slice(0, 80))}`;
      status = await sendRaw(raw);
    } else {
      // Half from the per-endpoint cases (percent-encoded and absolute-form spellings), half fully random.
      const req: Req = randInt(r, 2) === 0 ? { ...fuzzRequest(r, operations, fuzzContext, base) } : randomRequest(r);
      label = `${req.method} ${req.path.slice(0, 120)} ${JSON.stringify(req.headers).slice(0, 120)} ${String(req.body ?? "").slice(0, 120)}`;
      status = await send(req);
    }
    counts.set(status, (counts.get(status) ?? 0) + 1);
    // 501: a method no route implements; 503: shed by admission control. Both are answers, not failures.
    if (status >= 500 && status !== 501 && status !== 503) fivexx.push(`${status} ${label}`);
    if (status === -1) unanswered.push(label);
  }
}
await Promise.all(Array.from({ length: Number(args.concurrency) }, (_, i) => worker(mulberry32(Number(args.seed) * 1000 + i))));
const seconds = (Date.now() - t0) / 1000;
const healthy = exited === undefined && (await send({ method: "GET", path: "/healthz", headers: {} })) === 200;
const exitedDuringRun = exited;
child.kill("SIGTERM");
await new Promise((r) => setTimeout(r, 500));
rmSync(home, { recursive: true, force: true });

console.log(`fuzzed ${sent} requests in ${seconds.toFixed(1)} s against askmusic serve (catalog ${args.catalog}, seed ${args.seed})`);
console.log(`status counts: ${[...counts].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s === -1 ? "no-response" : s}: ${n}`).join(", ")}`);
console.log(`5xx responses other than 501/503: ${fivexx.length}; server crashed: ${healthy ? "no" : "YES"}${exitedDuringRun !== undefined ? ` (exit ${exitedDuringRun})` : ""}`);
for (const f of fivexx.slice(0, 20)) console.log(`  ${f}`);
if (unanswered.length > 0) console.log(`no response (closed or timed out), first ${Math.min(10, unanswered.length)}:\n${unanswered.slice(0, 10).map((u) => `  ${u}`).join("\n")}`);
const stderr = server.stderr();
if (/unhandled error/.test(stderr)) console.log(`server log:\n${stderr.slice(0, 4000)}`);
process.exitCode = fivexx.length === 0 && healthy && sent >= Math.min(total, 1) ? 0 : 1;
