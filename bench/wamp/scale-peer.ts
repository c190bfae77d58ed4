/**
 * Benchmark child for `pnpm bench scale`: holds many sessions of one client library
 * (`scale-peer.ts <wampkit|autobahn|wampy> <dist|source>`, JSON serializer). Run with
 * --expose-gc so that `mem` measures live memory. Ops:
 * - `open { url, realm, count }`: opens sessions until it holds `count` (50 handshakes at once);
 * - `mem`: heap used and RSS after a full GC;
 * - `register { procedure }`: the first session registers an echo callee;
 * - `mark`: CPU time and invocations so far (callee side);
 * - `calls { procedure, ms }`: every session keeps one call in flight for `ms`; answers calls,
 *   elapsed ms, CPU µs and latency p50/p90/p99 (CALL -> RESULT).
 */
import { liveMemory, serveParent } from '../lib/children.js';
import type { CodeFrom } from './build-state.js';
import { type BenchClient, type ClientImpl, loadWampkitFrom, openClient } from './clients.js';

const impl = process.argv[2] as ClientImpl;
if (impl === 'wampkit') loadWampkitFrom(process.argv[3] as CodeFrom);
const OPEN_BATCH = 50;
/** Latency samples kept per window (bounded). */
const MAX_SAMPLES = 1_000_000;
const sessions: BenchClient[] = [];
const latencies = new Float64Array(MAX_SAMPLES);
let invocations = 0;

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function calls(procedure: string, ms: number): Promise<Record<string, unknown>> {
  const args = [42, 'hello'];
  return new Promise((resolve, reject) => {
    let count = 0;
    let inFlight = 0;
    let closed = false;
    let elapsedMs = 0;
    let cpu = { user: 0, system: 0 };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const finish = () => {
      const sorted = latencies.subarray(0, Math.min(count, MAX_SAMPLES)).sort();
      resolve({
        count,
        elapsedMs,
        cpuUs: cpu.user + cpu.system,
        p50: percentile(sorted, 0.5),
        p90: percentile(sorted, 0.9),
        p99: percentile(sorted, 0.99),
      });
    };
    const loop = (s: BenchClient) => {
      inFlight++;
      const start = performance.now();
      s.call(procedure, args).then(
        () => {
          const end = performance.now();
          inFlight--;
          if (!closed) {
            if (count < MAX_SAMPLES) latencies[count] = end - start;
            count++;
            if (end - t0 >= ms) {
              closed = true;
              elapsedMs = end - t0;
              cpu = process.cpuUsage(cpu0);
            } else loop(s);
          }
          if (closed && inFlight === 0) finish();
        },
        (err: unknown) => reject(err),
      );
    };
    for (const s of sessions) loop(s);
  });
}

serveParent(async (msg) => {
  switch (msg.op) {
    case 'open': {
      const count = Number(msg.count);
      while (sessions.length < count) {
        const n = Math.min(OPEN_BATCH, count - sessions.length);
        const opened = await Promise.all(
          Array.from({ length: n }, () =>
            openClient(impl, String(msg.url), String(msg.realm), 'json'),
          ),
        );
        sessions.push(...opened);
      }
      return { sessions: sessions.length };
    }
    case 'mem':
      return liveMemory();
    case 'register':
      await sessions[0]!.registerEcho(String(msg.procedure), () => {
        invocations++;
      });
      return {};
    case 'mark':
      return { cpu: process.cpuUsage(), invocations };
    case 'calls':
      return calls(String(msg.procedure), Number(msg.ms));
    default:
      throw new Error(`unknown op ${String(msg.op)}`);
  }
});
