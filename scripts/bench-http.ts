/**
 * @file Throughput and latency of `POST /v1/ask` over loopback at a fixed concurrency, against `askmusic serve`
 * started as a child process (rate limit off) on the built catalog. Bounded: each run stops after `--requests`
 * requests or `--seconds`, whichever comes first. Prints every run, the median run (by throughput) and the machine.
 *
 * Usage: `npx tsx scripts/bench-http.ts [--catalog jamendo] [--concurrency 16] [--requests 2000] [--seconds 20]
 *         [--runs 3] [--mix distinct|repeat] [--answer-cache 0] [--url http://127.0.0.1:8080 (a running server instead)]`
 * `distinct`: every request text is new (the encoder runs for each); `repeat`: 50 popular texts (the encoder's LRU
 * answers; with `--answer-cache 2000`, the serve default, whole answers come from the server's answer cache).
 */
import type { ChildProcess } from "node:child_process";
import http from "node:http";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { spawnServe } from "./lib/spawn-serve.js";
import { benchRequest } from "./lib/bench-requests.js";

const { values: args } = parseArgs({
  options: {
    catalog: { type: "string", default: "jamendo" },
    concurrency: { type: "string", default: "16" },
    requests: { type: "string", default: "2000" },
    seconds: { type: "string", default: "20" },
    runs: { type: "string", default: "3" },
    mix: { type: "string", default: "distinct" },
    "answer-cache": { type: "string", default: "0" },
    url: { type: "string" },
  },
});
const concurrency = Number(args.concurrency);
const maxRequests = Number(args.requests);
const maxSeconds = Number(args.seconds);
const runs = Number(args.runs);
if (args.mix !== "distinct" && args.mix !== "repeat") throw new Error(`--mix must be distinct or repeat, got ${args.mix}`);

/** Request `j`: distinct texts get a serial number so no two are equal (the encoder's LRU never hits). */
function requestText(j: number): string {
  return benchRequest(j, args.mix === "distinct");
}

async function startServer(): Promise<{ url: string; child?: ChildProcess }> {
  if (args.url) return { url: args.url.replace(/\/$/, "") };
  const { url, child } = await spawnServe(["--rate-limit", "0", "--answer-cache", args["answer-cache"]!, "--catalog", args.catalog!]);
  return { url, child };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

interface RunResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function run(url: string, offset: number, limit: number, seconds: number): Promise<RunResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const worker = async () => {
    while (next < limit && performance.now() < deadline) {
      const j = offset + next++;
      const start = performance.now();
      try {
        const status = await post(`${url}/v1/ask`, JSON.stringify({ request: requestText(j), k: 10 }));
        if (status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secondsTaken = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds: secondsTaken,
    rps: latencies.length / secondsTaken,
    p50: quantile(latencies, 0.5),
    p90: quantile(latencies, 0.9),
    p99: quantile(latencies, 0.99),
    max: latencies[latencies.length - 1],
  };
}

const { url, child } = await startServer();
try {
  // Warm-up (not measured): JIT, page cache, LanceDB index pages.
  await run(url, 1_000_000, 100, 30);
  const results: RunResult[] = [];
  for (let r = 0; r < runs; r++) {
    const res = await run(url, r * 100_000, maxRequests, maxSeconds);
    results.push(res);
    console.log(`run ${r + 1}: ${res.requests} requests in ${res.seconds.toFixed(1)} s = ${res.rps.toFixed(1)} req/s; latency ms p50 ${res.p50.toFixed(1)} p90 ${res.p90.toFixed(1)} p99 ${res.p99.toFixed(1)} max ${res.max.toFixed(1)}; non-200 ${res.errors}`);
  }
  const median = [...results].sort((a, b) => a.rps - b.rps)[Math.floor(results.length / 2)];
  const cpus = os.cpus();
  console.log(`\nPOST /v1/ask, catalog ${args.catalog}, mix ${args.mix}, answer cache ${args["answer-cache"]}, concurrency ${concurrency}, loopback`);
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`);
  console.log("| run | req/s | p50 ms | p90 ms | p99 ms | max ms | non-200 |\n|---|---|---|---|---|---|---|");
  results.forEach((r, i) => console.log(`| ${i + 1}${r === median ? " (median)" : ""} | ${r.rps.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p90.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.errors} |`));
  const ok = median.rps >= 100 && median.p99 <= 100 && results.every((r) => r.errors === 0);
  console.log(`target >= 100 req/s with p99 <= 100 ms: ${ok ? "met" : "NOT met"}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  agent.destroy();
  child?.kill("SIGTERM");
}
