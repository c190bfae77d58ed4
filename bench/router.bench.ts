/**
 * `pnpm bench router` (issue 9): our router (@wampkit/router) against fox-wamp (npm `fox-wamp`,
 * an independent JavaScript WAMP router; it speaks wamp.2.json only, so only JSON is measured),
 * with the same client library in front of both (wampy 8.0.2 by default; BENCH_CLIENTS=wampy,
 * autobahn,wampkit to add others). The scenarios of `pnpm bench wamp` (bench/wamp/driver.ts):
 *
 * - rpc: 1 caller, 1 callee, 100 calls in flight, small args and a 1 KiB record: calls/s,
 *   latency p50/p90/p99 (CALL -> RESULT), router CPU µs per routed call;
 * - pubsub: 1 publisher (100 acknowledged publishes in flight), 4 subscribers: events/s
 *   delivered, router CPU µs per publish (each fanned out to 4 subscribers).
 *
 * Router CPU is process.cpuUsage() of the router's own process (asked over IPC before and after
 * each window), divided by the calls or publishes sent. Each round starts a fresh set of
 * processes per router; the routers alternate order round by round (BENCH_ROUNDS, default 3;
 * BENCH_SECONDS per window, default 0.4; one 0.25 s warm-up window per case); medians reported.
 * Table on stderr; one JSON line on stdout.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envNumber, machine, median, printTable, round } from './lib/stats.js';
import { chooseCodeFrom } from './wamp/build-state.js';
import { CLIENTS, type ClientImpl } from './wamp/clients.js';
import { type Case, type Figure, runWampBench, SUBSCRIBERS } from './wamp/driver.js';

const here = dirname(fileURLToPath(import.meta.url));
const WINDOW = 100;
const ROUTERS = ['wampkit', 'fox-wamp'] as const;
type RouterName = (typeof ROUTERS)[number];

const runMs = envNumber('BENCH_SECONDS', 0.4) * 1000;
const rounds = envNumber('BENCH_ROUNDS', 3);
const clients = (process.env.BENCH_CLIENTS ?? 'wampy').split(',').filter((c) => c !== '');
const badClient = clients.find((c) => !CLIENTS.includes(c as ClientImpl));
if (badClient) throw new RangeError(`BENCH_CLIENTS: unknown ${badClient}; use ${CLIENTS}`);
const cases: Case[] = [
  { scenario: 'rpc', serializer: 'json', payload: 'small' },
  { scenario: 'rpc', serializer: 'json', payload: '1k' },
  { scenario: 'pubsub', serializer: 'json', payload: 'small' },
];

const code = chooseCodeFrom(dirname(here), process.env.BENCH_WAMPKIT);
console.error(`wampkit router and client: ${code.note}`);
const routerPeer = (name: RouterName) =>
  name === 'fox-wamp'
    ? { entry: join(here, 'wamp', 'fox-router-peer.ts'), args: [] }
    : { entry: join(here, 'wamp', 'router-peer.ts'), args: [code.from] };

const started = performance.now();
const samples = new Map<RouterName, Figure[]>();
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ROUTERS : [...ROUTERS].reverse();
  for (const name of order) {
    const figures = await runWampBench({
      clients: clients as ClientImpl[],
      cases,
      rounds: 1,
      runMs,
      warmupMs: 250,
      window: WINDOW,
      wampkitFrom: code.from,
      router: routerPeer(name),
    });
    samples.set(name, [...(samples.get(name) ?? []), ...figures]);
  }
  console.error(`round ${r + 1}/${rounds} done`);
}

const results = ROUTERS.flatMap((name) =>
  clients.flatMap((client) =>
    cases.map((c) => {
      const list = samples
        .get(name)!
        .filter(
          (f) =>
            f.client === client &&
            f.scenario === c.scenario &&
            f.serializer === c.serializer &&
            f.payload === c.payload,
        );
      const med = (pick: (f: Figure) => number, digits: number) =>
        round(median(list.map(pick)), digits);
      return {
        router: name,
        client,
        ...c,
        /** calls/s (rpc) or events/s delivered to all subscribers (pubsub). */
        rate: med((f) => f.rate, 0),
        runs: list.map((f) => round(f.rate)),
        latencyMs: {
          p50: med((f) => f.p50, 3),
          p90: med((f) => f.p90, 3),
          p99: med((f) => f.p99, 3),
        },
        cpuUs: { router: med((f) => f.cpu.router, 2) },
      };
    }),
  ),
);
type Row = (typeof results)[number];
const peerOf = (r: Row) =>
  results.find(
    (x) =>
      x.router === 'fox-wamp' &&
      x.client === r.client &&
      x.scenario === r.scenario &&
      x.payload === r.payload,
  )!;
const ratios = results
  .filter((r) => r.router === 'wampkit')
  .map((r) => ({
    client: r.client,
    scenario: r.scenario,
    payload: r.payload,
    throughput: round(r.rate / peerOf(r).rate, 2),
    routerCpu: round(r.cpuUs.router / peerOf(r).cpuUs.router, 2),
  }));

console.error(
  `\nWAMP routers, json (median of ${rounds} x ${runMs} ms; ${WINDOW} in flight; ${SUBSCRIBERS} subscribers)`,
);
printTable(
  ['router', 'client', 'case', 'rate/s', 'p50 ms', 'p90 ms', 'p99 ms', 'router cpu µs'],
  results.map((r) => [
    r.router,
    r.client,
    `${r.scenario} ${r.payload}`,
    r.rate.toLocaleString('en-US'),
    r.latencyMs.p50.toFixed(2),
    r.latencyMs.p90.toFixed(2),
    r.latencyMs.p99.toFixed(2),
    r.cpuUs.router.toFixed(2),
  ]),
);
console.error('\nwampkit router / fox-wamp');
printTable(
  ['client', 'case', 'throughput', 'router cpu'],
  ratios.map((r) => [
    r.client,
    `${r.scenario} ${r.payload}`,
    r.throughput.toFixed(2),
    r.routerCpu.toFixed(2),
  ]),
);
console.error(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(
  JSON.stringify({
    bench: 'router',
    unit: {
      rate: 'calls/s or events/s delivered (median)',
      cpu: 'router µs per call or per publish (user+system)',
      latency: 'ms, CALL -> RESULT or PUBLISH -> PUBLISHED',
    },
    client: clients.join(','),
    window: WINDOW,
    subscribers: SUBSCRIBERS,
    rounds,
    runMs,
    versions: { 'fox-wamp': '0.7.28', wampy: '8.0.2', autobahn: '22.11.1' },
    wampkitFrom: code.from,
    machine: machine(),
    results,
    ratios,
  }),
);
