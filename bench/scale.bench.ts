/**
 * `pnpm bench scale` (issue 9): what a session costs and how throughput moves as sessions grow.
 *
 * - memory: one client process opens 1 session (code loaded, warmed), then MEMORY_SESSIONS (200)
 *   more idle JSON sessions; heap used and RSS after a full GC, before and after, divided by
 *   200, in the client process (per client session: wampkit, Autobahn|JS, wampy) and in the
 *   router process (per router session: our router, and fox-wamp with wampy clients).
 * - curve: through our router, 1 callee session (own process) and N caller sessions in one
 *   process (N = 1, 10, 100, 1000), each keeping one call in flight (small args): calls/s of all
 *   sessions, latency p50/p90/p99, caller and router CPU µs per call.
 *
 * Every process on 127.0.0.1 in its own child (started with --expose-gc); curve windows of
 * BENCH_SECONDS (0.5 s) after a 0.3 s warm-up, BENCH_ROUNDS (3) rounds, medians reported.
 * BENCH_CLIENTS (default wampkit,wampy) picks the curve's clients. One JSON line on stdout.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envNumber, machine, median, printTable, round } from './lib/stats.js';
import { chooseCodeFrom } from './wamp/build-state.js';
import { CLIENTS, type ClientImpl } from './wamp/clients.js';
import { type Peer, startPeer } from './wamp/fork.js';

const here = dirname(fileURLToPath(import.meta.url));
const REALM = 'bench';
const PROCEDURE = 'bench.scale.echo';
const MEMORY_SESSIONS = 200;
const SESSIONS = [1, 10, 100, 1000];
const runMs = envNumber('BENCH_SECONDS', 0.5) * 1000;
const rounds = envNumber('BENCH_ROUNDS', 3);
const curveClients = (process.env.BENCH_CLIENTS ?? 'wampkit,wampy').split(',').filter(Boolean);
const bad = curveClients.find((c) => !CLIENTS.includes(c as ClientImpl));
if (bad) throw new RangeError(`BENCH_CLIENTS: unknown ${bad}; use ${CLIENTS}`);

const code = chooseCodeFrom(dirname(here), process.env.BENCH_WAMPKIT);
console.error(`wampkit router and client: ${code.note}`);
const execArgv = [
  '--expose-gc',
  '--import',
  'tsx',
  ...(code.from === 'source' ? ['--conditions=wampkit-source'] : []),
];
type Mem = { heapUsed: number; rss: number };
type Cpu = { user: number; system: number };
const cpuUs = (a: Cpu, b: Cpu) => b.user - a.user + (b.system - a.system);

const children: Peer[] = [];
const start = async (name: string, entry: string, args: string[]) => {
  const p = await startPeer(name, join(here, 'wamp', entry), args, execArgv);
  children.push(p);
  return p;
};
const stop = async (...peers: Peer[]) => {
  await Promise.all(peers.map((p) => p.stop()));
};
const startRouter = async (router: 'wampkit' | 'fox-wamp') => {
  const p =
    router === 'wampkit'
      ? await start('router', 'router-peer.ts', [REALM, code.from])
      : await start('fox-wamp', 'fox-router-peer.ts', [REALM]);
  const { url } = await p.request<{ url: string }>({ op: 'url' });
  return { peer: p, url };
};

const started = performance.now();
const memory: Array<{
  what: string;
  router: string;
  client: string;
  kibPerSession: number;
  heapKibPerSession: number;
}> = [];
try {
  // --- memory per idle session
  const plans: Array<{ router: 'wampkit' | 'fox-wamp'; client: ClientImpl }> = [
    { router: 'wampkit', client: 'wampkit' },
    { router: 'wampkit', client: 'autobahn' },
    { router: 'wampkit', client: 'wampy' },
    { router: 'fox-wamp', client: 'wampy' },
  ];
  for (const plan of plans) {
    const router = await startRouter(plan.router);
    const client = await start(plan.client, 'scale-peer.ts', [plan.client, code.from]);
    await client.request({ op: 'open', url: router.url, realm: REALM, count: 1 });
    const [c0, r0] = await Promise.all([
      client.request<Mem>({ op: 'mem' }),
      router.peer.request<Mem>({ op: 'mem' }),
    ]);
    await client.request({ op: 'open', url: router.url, realm: REALM, count: 1 + MEMORY_SESSIONS });
    const [c1, r1] = await Promise.all([
      client.request<Mem>({ op: 'mem' }),
      router.peer.request<Mem>({ op: 'mem' }),
    ]);
    const per = (a: number, b: number) => round((b - a) / MEMORY_SESSIONS / 1024, 1);
    if (plan.router === 'wampkit')
      memory.push({
        what: `${plan.client} client`,
        router: plan.router,
        client: plan.client,
        kibPerSession: per(c0.rss, c1.rss),
        heapKibPerSession: per(c0.heapUsed, c1.heapUsed),
      });
    memory.push({
      what: `${plan.router} router (${plan.client} clients)`,
      router: plan.router,
      client: plan.client,
      kibPerSession: per(r0.rss, r1.rss),
      heapKibPerSession: per(r0.heapUsed, r1.heapUsed),
    });
    await stop(client, router.peer);
  }
  console.error(`\nmemory per idle session (${MEMORY_SESSIONS} sessions, after GC)`);
  printTable(
    ['process', 'RSS KiB/session', 'heap KiB/session'],
    memory.map((m) => [m.what, m.kibPerSession.toFixed(1), m.heapKibPerSession.toFixed(1)]),
  );
} catch (err) {
  await Promise.all(children.map((c) => c.stop()));
  throw err;
}

// --- throughput as concurrent sessions grow (our router)
const curve: Array<Record<string, unknown>> = [];
try {
  for (const client of curveClients as ClientImpl[]) {
    const router = await startRouter('wampkit');
    const callee = await start(`${client}-callee`, 'scale-peer.ts', [client, code.from]);
    const callers = await start(`${client}-callers`, 'scale-peer.ts', [client, code.from]);
    await callee.request({ op: 'open', url: router.url, realm: REALM, count: 1 });
    await callee.request({ op: 'register', procedure: PROCEDURE });
    for (const n of SESSIONS) {
      await callers.request({ op: 'open', url: router.url, realm: REALM, count: n });
      await callers.request({ op: 'calls', procedure: PROCEDURE, ms: 300 });
      const samples: Array<Record<string, number>> = [];
      for (let r = 0; r < rounds; r++) {
        const r0 = await router.peer.request<Cpu>({ op: 'cpu' });
        const w = await callers.request<Record<string, number>>({
          op: 'calls',
          procedure: PROCEDURE,
          ms: runMs,
        });
        const r1 = await router.peer.request<Cpu>({ op: 'cpu' });
        samples.push({
          rate: (w.count! * 1000) / w.elapsedMs!,
          p50: w.p50!,
          p90: w.p90!,
          p99: w.p99!,
          callerCpu: w.cpuUs! / w.count!,
          // Router time of the stragglers after the window is included; it is at most n calls.
          routerCpu: cpuUs(r0, r1) / w.count!,
        });
      }
      const med = (k: string, digits: number) => round(median(samples.map((s) => s[k]!)), digits);
      curve.push({
        client,
        sessions: n,
        rate: med('rate', 0),
        latencyMs: { p50: med('p50', 3), p90: med('p90', 3), p99: med('p99', 3) },
        cpuUs: { caller: med('callerCpu', 2), router: med('routerCpu', 2) },
      });
      console.error(`${client}: ${n} sessions done`);
    }
    await stop(callers, callee, router.peer);
  }
} finally {
  await Promise.all(children.map((c) => c.stop()));
}

type CurveRow = {
  client: string;
  sessions: number;
  rate: number;
  latencyMs: Record<string, number>;
  cpuUs: Record<string, number>;
};
console.error(
  `\nRPC through our router as sessions grow (1 call in flight per session; median of ${rounds} x ${runMs} ms)`,
);
printTable(
  [
    'client',
    'sessions',
    'calls/s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'caller µs/call',
    'router µs/call',
  ],
  (curve as CurveRow[]).map((r) => [
    r.client,
    String(r.sessions),
    r.rate.toLocaleString('en-US'),
    r.latencyMs.p50!.toFixed(2),
    r.latencyMs.p90!.toFixed(2),
    r.latencyMs.p99!.toFixed(2),
    r.cpuUs.caller!.toFixed(2),
    r.cpuUs.router!.toFixed(2),
  ]),
);
console.error(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(
  JSON.stringify({
    bench: 'scale',
    unit: {
      memory: 'KiB per idle session (RSS and heap used after GC)',
      rate: 'calls/s of all sessions (median)',
      cpu: 'µs per call',
    },
    memorySessions: MEMORY_SESSIONS,
    rounds,
    runMs,
    versions: { autobahn: '22.11.1', wampy: '8.0.2', 'fox-wamp': '0.7.28' },
    wampkitFrom: code.from,
    machine: machine(),
    memory,
    curve,
  }),
);
