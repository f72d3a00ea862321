/**
 * @file Soak benchmark of `askmusic serve` (issue 15): for `--seconds` (600), open-loop at fixed rates, each stream
 * from its own loopback address (its own client for the per-client limits): 15 req/s of short valid asks, 30 req/s
 * of malformed requests, 2 req/s of 2,000-character asks, and a second user writing feedback (2 req/s); halfway
 * through, `askmusic ingest <catalog>` rebuilds the served catalog on the same home. Reports status counts, 5xx
 * (503 sheds apart), lost acknowledged writes, RSS of the server (first vs last minute), latency percentiles of
 * the short and long asks, and the rebuild; writes them as JSON. Exits 1 when a target is missed.
 *
 * Usage: `npx tsx scripts/soak.ts [--seconds 600] [--catalog jamendo] [--out reports/soak.json]`
 * The catalog, its models and the encoder cache are read from $ASKMUSIC_HOME: the catalog and the cache are copied
 * into a temporary home (the rebuild writes there), models are linked read-only. Run it with `nice` on a shared
 * machine and note the load.
 */
import { spawn } from "node:child_process";
import { existsSync, promises as fs, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { resolveConfig } from "../src/config.js";
import { writeFileAtomic } from "../src/core/fs.js";
import { mulberry32, randInt, type Rng } from "../src/core/random.js";
import { openStateRepository } from "../src/store/state/index.js";
import { createToken, hashToken } from "../src/store/state/tokens.js";
import { spawnServe } from "./lib/spawn-serve.js";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "600" },
    catalog: { type: "string", default: "jamendo" },
    out: { type: "string", default: "reports/soak.json" },
    seed: { type: "string", default: "1" },
  },
});
const seconds = Number(args.seconds);
const catalog = args.catalog!;
if (!(seconds >= 10)) throw new Error(`--seconds must be at least 10, got ${args.seconds}`);
const log = (m: string) => process.stderr.write(`soak: ${m}\n`);

// ---- a home of our own: the catalog and encoder cache copied, models linked ----------------------------------
const config = resolveConfig(process.env);
const home = await fs.mkdtemp(path.join(os.tmpdir(), "askmusic-soak-"));
const source = (p: string) => path.join(config.homeDir, p);
if (!existsSync(source(`catalogs/${catalog}/CURRENT`))) throw new Error(`no built catalog "${catalog}" in ${config.homeDir}: run askmusic ingest ${catalog} there first`);
log(`copying catalog ${catalog} and the encoder cache into ${home}`);
await fs.cp(source(`catalogs/${catalog}`), path.join(home, `catalogs/${catalog}`), { recursive: true, filter: (p) => !/\.(lock|leases)$/.test(p) });
if (existsSync(source("cache"))) await fs.cp(source("cache"), path.join(home, "cache"), { recursive: true });
if (existsSync(source("models"))) await fs.symlink(source("models"), path.join(home, "models"));
const state = await openStateRepository({ homeDir: home });
const tokens = { listener: createToken(), writer: createToken() };
for (const [id, t] of Object.entries(tokens)) await state.createUser({ id, tokenHash: hashToken(t) });
await state.close();
const env = { ...process.env, ASKMUSIC_HOME: home, ASKMUSIC_DATABASE_URL: "" };

const server = await spawnServe(["--catalog", catalog, "--answer-cache", "0"], { env, stderr: "pipe" });
const child = server.child;
process.on("exit", () => {
  child.kill("SIGKILL");
  rmSync(home, { recursive: true, force: true });
});
const { hostname, port } = new URL(server.url);
log(`serving at ${server.url} (pid ${child.pid})`);

// ---- requests -------------------------------------------------------------------------------------------------
interface Sent {
  status: number;
  ms: number;
  body: string;
}
const agents = new Map<string, http.Agent>();
function send(from: string, method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<Sent> {
  let agent = agents.get(from);
  if (!agent) agents.set(from, (agent = new http.Agent({ keepAlive: true, maxSockets: 64 })));
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request({ host: hostname, port, method, path: target, headers, agent, localAddress: from }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, body: text }));
      res.on("error", () => resolve({ status: -1, ms: performance.now() - t0, body: "" }));
    });
    req.setTimeout(30_000, () => req.destroy());
    req.on("error", () => resolve({ status: -1, ms: performance.now() - t0, body: "" }));
    req.end(body);
  });
}
const json = { "content-type": "application/json" };
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[randInt(r, xs.length)];
const MOODS = ["calm", "happy", "dark", "energetic", "sad", "dreamy", "epic", "relaxing"];
const GENRES = ["piano", "rock", "ambient", "jazz", "electronic", "folk", "classical", "pop"];
const WORDS = "the quiet song of a long night drive under city lights with warm synths soft drums and a voice far away".split(" ");
const shortAsk = (r: Rng) => `${pick(r, MOODS)} ${pick(r, GENRES)}${pick(r, ["", " with guitar", " for a run", " but no rap", " without vocals"])}`;
const longAsk = (r: Rng) => {
  let s = "";
  while (s.length < 2000) s += `${pick(r, WORDS)} `;
  return s.slice(0, 2000);
};
const malformed = (r: Rng): [string, string, Record<string, string>, string | undefined] =>
  pick(r, [
    ["POST", "/v1/ask", json, "{not json"],
    ["POST", "/v1/ask", json, JSON.stringify({ request: "" })],
    ["POST", "/v1/ask", json, JSON.stringify({ request: "jazz", catalog: "nope" })],
    ["POST", "/v1/ask", json, '{"__proto__":{"x":1},"request":"a"}'],
    ["POST", "/v1/ask", { "content-type": "text/plain" }, "jazz"],
    ["POST", "/v1/ask", json, JSON.stringify({ request: "jazz", k: 1000 })],
    ["GET", `/v1/items/${catalog}/%ff`, {}, undefined],
    ["GET", `/v1/items/${catalog}/${"x".repeat(400)}`, {}, undefined],
    ["PUT", "/v1/ask", json, "{}"],
    ["POST", "/v1/feedback", json, JSON.stringify({ itemId: "x", value: "like" })],
    ["GET", "/v1/users/me", { authorization: "Bearer not-a-token" }, undefined],
    ["GET", "/%761/nope", {}, undefined],
  ]);

// ---- streams ----------------------------------------------------------------------------------------------------
type Stream = "short" | "long" | "malformed" | "feedback";
const stats: Record<Stream, { statuses: Record<number, number>; ms: number[] }> = {
  short: { statuses: {}, ms: [] },
  long: { statuses: {}, ms: [] },
  malformed: { statuses: {}, ms: [] },
  feedback: { statuses: {}, ms: [] },
};
const record = (s: Stream, r: Sent) => {
  stats[s].statuses[r.status] = (stats[s].statuses[r.status] ?? 0) + 1;
  if (r.status === 200) stats[s].ms.push(r.ms);
};
const probe = await send("127.0.0.1", "POST", "/v1/ask", { ...json, authorization: `Bearer ${tokens.listener}` }, JSON.stringify({ request: "calm piano", k: 50 }));
if (probe.status !== 200) throw new Error(`the first ask failed: ${probe.status} ${probe.body.slice(0, 300)}; server log: ${server.stderr().slice(-1000)}`);
const itemIds = (JSON.parse(probe.body) as { results: { item: { id: string } }[] }).results.map((x) => x.item.id);
/** The version the server serves, or undefined when it did not answer 200 (shed, limited). */
const servedVersion = async (from: string): Promise<string | undefined> => {
  const r = await send(from, "GET", "/v1/catalogs");
  return r.status === 200 ? (JSON.parse(r.body) as { catalogs: { version: string }[] }).catalogs[0]?.version : undefined;
};
let versionBefore: string | undefined;
for (let i = 0; i < 30 && versionBefore === undefined; i++) {
  versionBefore = await servedVersion("127.0.0.5");
  if (versionBefore === undefined) await new Promise((r) => setTimeout(r, 1000));
}
if (versionBefore === undefined) throw new Error("GET /v1/catalogs never answered 200");

const rng = mulberry32(Number(args.seed));
const acknowledged = new Map<string, "like" | "dislike" | null>();
const inFlight = new Set<Promise<unknown>>();
const track = (p: Promise<unknown>) => (inFlight.add(p), void p.finally(() => inFlight.delete(p)));
const timers: NodeJS.Timeout[] = [];
const every = (perSecond: number, fire: () => void) => timers.push(setInterval(fire, 1000 / perSecond));
every(15, () => track(send("127.0.0.1", "POST", "/v1/ask", { ...json, authorization: `Bearer ${tokens.listener}` }, JSON.stringify({ request: shortAsk(rng) })).then((r) => record("short", r))));
every(2, () => track(send("127.0.0.2", "POST", "/v1/ask", json, JSON.stringify({ request: longAsk(rng) })).then((r) => record("long", r))));
every(30, () => {
  const [m, t, h, b] = malformed(rng);
  track(send("127.0.0.3", m, t, h, b).then((r) => record("malformed", r)));
});
// The writer waits for each answer before the next write: its acknowledged values are then the truth to check.
let writing = true;
const writer = (async () => {
  while (writing) {
    const itemId = pick(rng, itemIds);
    const value = pick(rng, ["like", "dislike", "clear"] as const);
    const r = await send("127.0.0.4", "POST", "/v1/feedback", { ...json, authorization: `Bearer ${tokens.writer}` }, JSON.stringify({ itemId, value }));
    record("feedback", r);
    if (r.status === 200) acknowledged.set(itemId, value === "clear" ? null : value);
    await new Promise((res) => setTimeout(res, 500));
  }
})();

// RSS of the server every 5 s.
const rss: { t: number; mb: number }[] = [];
const t0 = Date.now();
const readRss = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
  if (m) rss.push({ t: (Date.now() - t0) / 1000, mb: Number(m[1]) / 1024 });
};
readRss();
timers.push(setInterval(readRss, 5000));

// When the served version changes (polled every 2 s from its own address).
let swappedAt: number | undefined;
timers.push(
  setInterval(() => {
    if (swappedAt !== undefined) return;
    void servedVersion("127.0.0.5").then((v) => {
      if (v !== undefined && v !== versionBefore) swappedAt ??= (Date.now() - t0) / 1000;
    });
  }, 2000),
);

// The rebuild, halfway.
let rebuild: { startedAt: number; seconds: number; status: number | null; stderrTail: string } | undefined;
const rebuilt = new Promise<void>((resolve) => {
  setTimeout(() => {
    const startedAt = (Date.now() - t0) / 1000;
    log(`rebuilding ${catalog} at t=${startedAt.toFixed(0)} s`);
    const ingest = spawn(process.execPath, [path.resolve(import.meta.dirname, "../bin/askmusic.mjs"), "ingest", catalog], { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    ingest.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    ingest.on("exit", (status) => {
      rebuild = { startedAt, seconds: (Date.now() - t0) / 1000 - startedAt, status, stderrTail: err.slice(-400) };
      log(`rebuild finished with status ${status} after ${rebuild.seconds.toFixed(0)} s`);
      resolve();
    });
  }, (seconds * 1000) / 2);
});

await new Promise((r) => setTimeout(r, seconds * 1000));
timers.forEach(clearInterval);
writing = false;
await writer;
await Promise.all(inFlight);
await rebuilt;

// ---- verdicts ---------------------------------------------------------------------------------------------------
const me = JSON.parse((await send("127.0.0.4", "GET", "/v1/users/me", { authorization: `Bearer ${tokens.writer}` })).body) as { feedback: { itemId: string; value: string }[] };
const stored = new Map(me.feedback.map((f) => [f.itemId, f.value]));
const lost = [...acknowledged].filter(([id, v]) => (v === null ? stored.has(id) : stored.get(id) !== v)).length;
// The server picks the new version up within seconds of the swap, once its ranker over it is built.
const swapDeadline = Date.now() + 180_000;
let versionAfter = await servedVersion("127.0.0.5");
while ((versionAfter === undefined || versionAfter === versionBefore) && Date.now() < swapDeadline) {
  await new Promise((r) => setTimeout(r, 1000));
  versionAfter = await servedVersion("127.0.0.5");
}
if (versionAfter !== undefined && versionAfter !== versionBefore) swappedAt ??= (Date.now() - t0) / 1000;
const reloadedAfterRebuild = swappedAt !== undefined && rebuild ? Math.round((swappedAt - rebuild.startedAt - rebuild.seconds) * 10) / 10 : null;
const ready = await send("127.0.0.1", "GET", "/readyz");
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const rssFirst = mean(rss.filter((x) => x.t <= 60).map((x) => x.mb));
const rssLast = mean(rss.filter((x) => x.t >= seconds - 60).map((x) => x.mb));
const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 10) / 10;
};
const fivexx = (s: Stream, pred: (code: number) => boolean) => Object.entries(stats[s].statuses).filter(([c]) => pred(Number(c))).reduce((a, [, n]) => a + n, 0);
const streams = Object.fromEntries(
  (Object.keys(stats) as Stream[]).map((s) => [
    s,
    { statuses: stats[s].statuses, p50Ms: pct(stats[s].ms, 0.5), p99Ms: pct(stats[s].ms, 0.99), shed503: fivexx(s, (c) => c === 503), other5xx: fivexx(s, (c) => c >= 500 && c !== 503 && c !== 501), noResponse: fivexx(s, (c) => c === -1) },
  ]),
);
const report = {
  benchmark: "soak",
  catalog,
  seconds,
  rates: { short: 15, malformed: 30, long: 2, feedback: 2 },
  machine: { cpus: os.cpus().length, loadavgAtEnd: os.loadavg().map((x) => Math.round(x * 10) / 10) },
  streams,
  writes: { acknowledged: acknowledged.size, lost },
  rssMb: { firstMinute: Math.round(rssFirst), lastMinute: Math.round(rssLast), changePct: Math.round(((rssLast - rssFirst) / rssFirst) * 1000) / 10, samples: rss.length },
  rebuild: { ...rebuild, servedBefore: versionBefore, servedAfter: versionAfter, readyAfter: ready.status, servedWithinSecondsAfterItEnded: reloadedAfterRebuild },
  serverLogTail: server.stderr().slice(-1500),
};
const unexpected5xx = Object.values(streams).reduce((a, s) => a + s.other5xx, 0);
const targets = {
  no5xx: unexpected5xx === 0,
  noLostWrites: lost === 0,
  rssFlat: Math.abs(report.rssMb.changePct) <= 10,
  shortP99Under250: (streams.short.p99Ms ?? Infinity) < 250,
  rebuildServed: rebuild?.status === 0 && versionAfter !== undefined && versionAfter !== versionBefore && ready.status === 200,
};
await writeFileAtomic(args.out!, `${JSON.stringify({ ...report, targets }, null, 2)}\n`);
child.kill("SIGTERM");
await new Promise((r) => setTimeout(r, 500));
console.log(JSON.stringify({ ...report, targets }, null, 2));
process.exitCode = Object.values(targets).every(Boolean) ? 0 : 1;
