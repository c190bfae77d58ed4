/**
 * Benchmark child: one WAMP client library in its own process (`client-peer.ts <impl> <dist|source>`:
 * where wampkit loads from; run with the `wampkit-source` condition for `source`), holding
 * one session per serializer. The parent gives it a role per measurement (caller, callee,
 * publisher or subscriber); CPU time comes from this process's own accounting
 * (process.cpuUsage), taken over the measured window only.
 *
 * Requests (see ClientRequest): open / register / subscribe set sessions up; `mark` reads the
 * counters and CPU time (the parent takes one before and one after a window, for the passive
 * roles); `rpc` and `publish` run a measuring loop and answer with its figures.
 */
import { performance } from 'node:perf_hooks';
import { serveParent } from '../lib/children.js';
import type { CodeFrom } from './build-state.js';
import {
  type BenchClient,
  type ClientImpl,
  loadWampkitFrom,
  openClient,
  type SerializerName,
} from './clients.js';
import { argsFor, type PayloadName } from './payloads.js';

// Autobahn|JS logs connection state with console.log; stdout belongs to the bench's JSON line.
console.log = console.error;

export type ClientRequest =
  | { op: 'open'; url: string; realm: string; serializer: SerializerName }
  | { op: 'register'; serializer: SerializerName; procedure: string }
  | { op: 'subscribe'; serializer: SerializerName; topic: string }
  | { op: 'mark' }
  | LoopRequest;

export interface LoopRequest {
  op: 'rpc' | 'publish';
  serializer: SerializerName;
  /** Procedure (rpc) or topic (publish). */
  uri: string;
  payload: PayloadName;
  /** Requests kept in flight. */
  window: number;
  ms: number;
}

export interface Mark {
  cpu: { user: number; system: number };
  invocations: number;
  events: number;
  /** Wall-clock time (ms since the epoch, sub-ms precision) of the last EVENT received. */
  lastEventAt: number;
}

export interface LoopResult {
  /** Requests answered within the window. */
  count: number;
  /** Requests sent in all (the window's plus those still in flight when it closed). */
  sent: number;
  elapsedMs: number;
  /** Wall-clock start of the window (ms since the epoch). */
  startedAt: number;
  /** CPU time of this process during the window, µs. */
  cpu: { user: number; system: number };
  /** Round-trip latency percentiles, ms (CALL -> RESULT, or PUBLISH -> PUBLISHED). */
  p50: number;
  p90: number;
  p99: number;
}

/** Latency samples kept per window (bounded; ~20 s at 100k/s). */
const MAX_SAMPLES = 2_000_000;

const impl = process.argv[2] as ClientImpl;
if (impl === 'wampkit') loadWampkitFrom(process.argv[3] as CodeFrom);
const clients = new Map<SerializerName, BenchClient>();
let invocations = 0;
let events = 0;
let lastEvent = 0;
const latencies = new Float64Array(MAX_SAMPLES);

function client(serializer: SerializerName): BenchClient {
  const c = clients.get(serializer);
  if (!c) throw new Error(`${impl}: no ${serializer} session open`);
  return c;
}

async function ensureOpen(url: string, realm: string, serializer: SerializerName): Promise<void> {
  if (!clients.has(serializer))
    clients.set(serializer, await openClient(impl, url, realm, serializer));
}

const countInvocation = () => {
  invocations++;
};
const countEvent = () => {
  events++;
  lastEvent = performance.now();
};

serveParent(async (raw) => {
  const msg = raw as unknown as ClientRequest;
  switch (msg.op) {
    case 'open':
      await ensureOpen(msg.url, msg.realm, msg.serializer);
      return {};
    case 'register':
      await client(msg.serializer).registerEcho(msg.procedure, countInvocation);
      return {};
    case 'subscribe':
      await client(msg.serializer).subscribe(msg.topic, countEvent);
      return {};
    case 'mark':
      return {
        cpu: process.cpuUsage(),
        invocations,
        events,
        lastEventAt: performance.timeOrigin + lastEvent,
      } satisfies Mark as unknown as Record<string, unknown>;
    case 'rpc':
    case 'publish':
      return (await measure(msg)) as unknown as Record<string, unknown>;
    default:
      throw new Error(`unknown op ${(msg as { op: string }).op}`);
  }
});

/**
 * Keeps `window` requests in flight for `ms` milliseconds: each answer within the window is
 * counted (with its latency) and replaced by a new request; then the loop waits for the ones
 * still in flight. CPU time is read when the window closes.
 */
function measure(req: LoopRequest): Promise<LoopResult> {
  const c = client(req.serializer);
  const args = argsFor(req.payload);
  const send = req.op === 'rpc' ? () => c.call(req.uri, args) : () => c.publish(req.uri, args);
  return new Promise((resolve, reject) => {
    let inFlight = 0;
    let sent = 0;
    let count = 0;
    let failed = false;
    let closed: Omit<LoopResult, 'p50' | 'p90' | 'p99' | 'sent'> | null = null;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const finish = () => {
      const result = closed!;
      const sorted = latencies.subarray(0, Math.min(count, MAX_SAMPLES)).sort();
      resolve({
        ...result,
        sent,
        p50: percentile(sorted, 0.5),
        p90: percentile(sorted, 0.9),
        p99: percentile(sorted, 0.99),
      });
    };
    const issue = () => {
      inFlight++;
      sent++;
      const start = performance.now();
      send().then(
        () => {
          const end = performance.now();
          inFlight--;
          if (closed === null) {
            if (count < MAX_SAMPLES) latencies[count] = end - start;
            count++;
            if (end - t0 >= req.ms) {
              closed = {
                count,
                elapsedMs: end - t0,
                startedAt: performance.timeOrigin + t0,
                cpu: process.cpuUsage(cpu0),
              };
            } else issue();
          }
          if (closed !== null && inFlight === 0 && !failed) finish();
        },
        (err: unknown) => {
          failed = true;
          reject(err);
        },
      );
    };
    for (let i = 0; i < req.window; i++) issue();
  });
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
