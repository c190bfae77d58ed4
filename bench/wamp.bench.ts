/**
 * `pnpm bench wamp` (issue 5): wampkit versus Autobahn|JS 22.11.1 and wampy 8.0.2, all through
 * our router (@wampkit/router, its own process), for the json, msgpack and cbor serializers:
 *
 * - rpc: 1 caller, 1 callee (echoes the args), 100 calls in flight, small args ([42, "hello"])
 *   and a 1 KiB record; calls/s, p50/p99 latency (CALL -> RESULT), CPU µs per call of the caller
 *   and of the callee process, each from its own process.cpuUsage over the measured window.
 * - pubsub: 1 publisher (100 acknowledged publishes in flight), 4 subscribers, small args;
 *   events/s delivered (all subscribers), CPU µs per publish and per event received.
 *
 * Each WAMP client is its own process (see bench/wamp/driver.ts). The router can be the
 * bottleneck for throughput, so CPU per call is the figure that compares clients. Every case is
 * measured RUN seconds (BENCH_SECONDS, default 0.4) per round over ROUNDS rounds (BENCH_ROUNDS,
 * default 3) after one warm-up window per case (0.25 s), libraries interleaved; medians reported.
 * The whole run takes ~45 s on 2 cores (27 cases x 3 rounds x 0.4 s, warm-ups, 16 processes).
 *
 * Our router and client run from their dist/ build when it is up to date (else from sources
 * through tsx, said on stderr and in the JSON; BENCH_WAMPKIT=dist|source forces one).
 * Filters (profiling): BENCH_CLIENTS=wampkit,wampy BENCH_SERIALIZERS=json BENCH_SCENARIOS=rpc
 * BENCH_PAYLOADS=small. BENCH_CPU_PROF=<dir> writes V8 CPU profiles of wampkit's client processes
 * (read them with bench/lib/cpuprofile-summary.ts).
 * Table on stderr; one JSON line on stdout with the figures and the ratios ours/peer.
 */

import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envNumber, machine, printTable, round } from './lib/stats.js';
import { chooseCodeFrom } from './wamp/build-state.js';
import { CLIENTS, type ClientImpl, SERIALIZERS, type SerializerName } from './wamp/clients.js';
import { type Case, type Figure, runWampBench, SUBSCRIBERS } from './wamp/driver.js';
import type { PayloadName } from './wamp/payloads.js';

const WINDOW = 100;
/** Issue 5 targets: our client CPU per call at most half a peer's; throughput not below it. */
const TARGET_CPU_RATIO = 0.5;
const TARGET_THROUGHPUT_RATIO = 1;
const PEERS = ['autobahn', 'wampy'] as const;

const runMs = envNumber('BENCH_SECONDS', 0.4) * 1000;
const rounds = envNumber('BENCH_ROUNDS', 3);
const list = <T extends string>(name: string, all: readonly T[]): T[] => {
  const wanted = process.env[name]?.split(',').filter((x) => x !== '');
  if (!wanted || wanted.length === 0) return [...all];
  const bad = wanted.filter((w) => !all.includes(w as T));
  if (bad.length > 0)
    throw new RangeError(`${name}: unknown ${bad.join(', ')}; use ${all.join(',')}`);
  return wanted as T[];
};
const clients = list<ClientImpl>('BENCH_CLIENTS', CLIENTS);
const serializers = list<SerializerName>('BENCH_SERIALIZERS', SERIALIZERS);
const scenarios = list('BENCH_SCENARIOS', ['rpc', 'pubsub'] as const);
const payloads = list<PayloadName>('BENCH_PAYLOADS', ['small', '1k']);

const cases: Case[] = [];
for (const serializer of serializers) {
  if (scenarios.includes('rpc'))
    for (const payload of payloads) cases.push({ scenario: 'rpc', serializer, payload });
  if (scenarios.includes('pubsub') && payloads.includes('small'))
    cases.push({ scenario: 'pubsub', serializer, payload: 'small' });
}

const code = chooseCodeFrom(
  dirname(dirname(fileURLToPath(import.meta.url))),
  process.env.BENCH_WAMPKIT,
);
console.error(`wampkit and router: ${code.note}`);

const started = performance.now();
const profileDir = process.env.BENCH_CPU_PROF;
const figures = await runWampBench({
  clients,
  cases,
  rounds,
  runMs,
  warmupMs: 250,
  window: WINDOW,
  wampkitFrom: code.from,
  nodeArgs: profileDir
    ? { wampkit: ['--cpu-prof', '--cpu-prof-interval=200', `--cpu-prof-dir=${profileDir}`] }
    : {},
  progress: (line) => console.error(line),
});

const find = (client: ClientImpl, c: Case): Figure | undefined =>
  figures.find(
    (f) =>
      f.client === client &&
      f.scenario === c.scenario &&
      f.serializer === c.serializer &&
      f.payload === c.payload,
  );

const results = figures.map((f) => ({
  client: f.client,
  scenario: f.scenario,
  serializer: f.serializer,
  payload: f.payload,
  /** calls/s (rpc) or events/s delivered to all subscribers (pubsub). */
  rate: round(f.rate),
  runs: f.runs.map((r) => round(r)),
  latencyMs: { p50: round(f.p50, 3), p90: round(f.p90, 3), p99: round(f.p99, 3) },
  cpuUs:
    f.scenario === 'rpc'
      ? {
          caller: round(f.cpu.active, 2),
          callee: round(f.cpu.passive, 2),
          router: round(f.cpu.router, 2),
        }
      : {
          publisher: round(f.cpu.active, 2),
          subscriber: round(f.cpu.passive, 2),
          router: round(f.cpu.router, 2),
        },
}));

const ratios: Array<{
  scenario: string;
  serializer: SerializerName;
  payload: PayloadName;
  peer: string;
  cpu: Record<string, number>;
  throughput: number;
}> = [];
if (clients.includes('wampkit')) {
  for (const c of cases) {
    const ours = find('wampkit', c)!;
    for (const peer of PEERS) {
      const theirs = find(peer, c);
      if (!theirs) continue;
      const [a, p] = c.scenario === 'rpc' ? ['caller', 'callee'] : ['publisher', 'subscriber'];
      ratios.push({
        scenario: c.scenario,
        serializer: c.serializer,
        payload: c.payload,
        peer,
        cpu: {
          [a]: round(ours.cpu.active / theirs.cpu.active, 3),
          [p]: round(ours.cpu.passive / theirs.cpu.passive, 3),
        },
        throughput: round(ours.rate / theirs.rate, 3),
      });
    }
  }
}
const rpcRatios = ratios.filter((r) => r.scenario === 'rpc');
const targets = {
  cpuPerCall: {
    max: TARGET_CPU_RATIO,
    met: rpcRatios.every((r) => Object.values(r.cpu).every((v) => v <= TARGET_CPU_RATIO)),
  },
  cpuPerEvent: {
    max: TARGET_CPU_RATIO,
    met: ratios
      .filter((r) => r.scenario === 'pubsub')
      .every((r) => Object.values(r.cpu).every((v) => v <= TARGET_CPU_RATIO)),
  },
  throughput: {
    min: TARGET_THROUGHPUT_RATIO,
    met: ratios.every((r) => r.throughput >= TARGET_THROUGHPUT_RATIO),
  },
};

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.error(
  `\nWAMP through our router (median of ${rounds} x ${runMs} ms; ${WINDOW} in flight; ` +
    `pubsub: 1 publisher, ${SUBSCRIBERS} subscribers)`,
);
printTable(
  [
    'scenario',
    'ser',
    'payload',
    'client',
    'rate/s',
    'p50 ms',
    'p99 ms',
    'cpu µs active',
    'cpu µs passive',
    'router µs',
  ],
  figures.map((f) => [
    f.scenario === 'rpc' ? 'rpc calls' : 'pubsub events',
    f.serializer,
    f.payload,
    f.client,
    fmt(f.rate),
    f.p50.toFixed(2),
    f.p99.toFixed(2),
    f.cpu.active.toFixed(2),
    f.cpu.passive.toFixed(2),
    f.cpu.router.toFixed(2),
  ]),
);
console.error(
  'active = caller per call / publisher per publish; passive = callee per call / subscriber per event',
);
if (ratios.length > 0) {
  console.error(
    `\nwampkit / peer (CPU target <= ${TARGET_CPU_RATIO}, throughput target >= ${TARGET_THROUGHPUT_RATIO})`,
  );
  printTable(
    ['scenario', 'ser', 'payload', 'peer', 'cpu active', 'cpu passive', 'throughput'],
    ratios.map((r) => {
      const [a, p] = Object.values(r.cpu);
      return [
        r.scenario,
        r.serializer,
        r.payload,
        r.peer,
        a!.toFixed(2),
        p!.toFixed(2),
        r.throughput.toFixed(2),
      ];
    }),
  );
  console.error(
    `targets: cpu/call ${targets.cpuPerCall.met ? 'met' : 'MISSED'}, cpu/event ${targets.cpuPerEvent.met ? 'met' : 'MISSED'}, throughput ${targets.throughput.met ? 'met' : 'MISSED'}`,
  );
}
console.error(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(
  JSON.stringify({
    bench: 'wamp',
    unit: {
      rate: 'calls/s or events/s delivered (median)',
      cpu: 'µs per call/event (user+system)',
    },
    window: WINDOW,
    subscribers: SUBSCRIBERS,
    rounds,
    runMs,
    versions: { autobahn: '22.11.1', wampy: '8.0.2' },
    wampkitFrom: code.from,
    machine: machine(),
    results,
    ratios,
    targets,
  }),
);
