/**
 * The WAMP benchmark driver: one router child, and per client library a set of client children
 * (one process per WAMP client: caller, callee, publisher, subscribers), all on one router.
 * Every case is measured for a fixed window per round, libraries interleaved round by round (the
 * order alternates) so that drift on a shared machine hits all alike; medians are reported.
 *
 * Process layout per library (5 processes, each holding one session per serializer):
 *   p0: caller (RPC) and publisher (PubSub)
 *   p1: callee (RPC) and subscriber 1 (PubSub)
 *   p2..p4: subscribers 2-4
 * A process has one role at a time, so its CPU time over a window is that role's.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../lib/stats.js';
import type { CodeFrom } from './build-state.js';
import type { LoopRequest, LoopResult, Mark } from './client-peer.js';
import type { ClientImpl, SerializerName } from './clients.js';
import { type Peer, startPeer } from './fork.js';
import type { PayloadName } from './payloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENT_PEER = join(here, 'client-peer.ts');
const ROUTER_PEER = join(here, 'router-peer.ts');
const REALM = 'bench';
export const SUBSCRIBERS = 4;
/** How long delivery to the subscribers may lag behind the publisher's last PUBLISHED. */
const DELIVERY_TIMEOUT_MS = 5000;

export type Scenario = 'rpc' | 'pubsub';

export interface Case {
  scenario: Scenario;
  serializer: SerializerName;
  payload: PayloadName;
}

/** CPU µs per call (rpc) or per event (pubsub), user + system. */
export interface CpuFigures {
  /** Caller (per call) or publisher (per publish). */
  active: number;
  /** Callee (per invocation) or subscriber (per event received; mean of the subscribers). */
  passive: number;
  /** Router, per call or per publish. */
  router: number;
}

interface Sample {
  /** Calls/s, or events/s delivered (all subscribers together). */
  rate: number;
  p50: number;
  p90: number;
  p99: number;
  cpu: CpuFigures;
}

export interface Figure extends Case {
  client: ClientImpl;
  rate: number;
  runs: number[];
  p50: number;
  p90: number;
  p99: number;
  cpu: CpuFigures;
}

export interface Plan {
  clients: readonly ClientImpl[];
  cases: readonly Case[];
  rounds: number;
  runMs: number;
  warmupMs: number;
  /** Requests in flight (calls or acknowledged publishes). */
  window: number;
  /** Where our router and client load from (see build-state.ts). */
  wampkitFrom: CodeFrom;
  /** Extra node flags for one library's client processes (profiling). */
  nodeArgs?: Partial<Record<ClientImpl, readonly string[]>>;
  progress?: (line: string) => void;
  /** Another router child instead of ours (same IPC ops `url` and `cpu`; see router-peer.ts). */
  router?: { entry: string; args: readonly string[] };
}

type Cpu = { user: number; system: number };
const cpuUs = (a: Cpu, b: Cpu) => b.user - a.user + (b.system - a.system);
const procedureOf = (impl: ClientImpl, s: SerializerName) => `bench.${impl}.${s}.echo`;
const topicOf = (impl: ClientImpl, s: SerializerName) => `bench.${impl}.${s}.events`;

interface Team {
  active: Peer;
  passive: Peer;
  subscribers: Peer[];
}

export async function runWampBench(plan: Plan): Promise<Figure[]> {
  const children: Peer[] = [];
  try {
    // tsx runs the bench's own TypeScript; `wampkit-source` makes our packages load from src/.
    const execArgv = (extra: readonly string[] = []) => [
      '--import',
      'tsx',
      ...(plan.wampkitFrom === 'source' ? ['--conditions=wampkit-source'] : []),
      ...extra,
    ];
    // BENCH_ROUTER_PROF=<dir>: a --cpu-prof profile of the router process (written on exit).
    const prof = process.env.BENCH_ROUTER_PROF;
    const routerArgs = execArgv(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []);
    const router = plan.router
      ? await startPeer('router', plan.router.entry, [REALM, ...plan.router.args], routerArgs)
      : await startPeer('router', ROUTER_PEER, [REALM, plan.wampkitFrom], routerArgs);
    children.push(router);
    const { url } = await router.request<{ url: string }>({ op: 'url' });

    const serializers = [...new Set(plan.cases.map((c) => c.serializer))];
    const teams = new Map<ClientImpl, Team>();
    for (const impl of plan.clients) {
      const nodeArgs = plan.nodeArgs?.[impl] ?? [];
      const procs = await Promise.all(
        Array.from({ length: 1 + SUBSCRIBERS }, (_, i) =>
          startPeer(`${impl}-p${i}`, CLIENT_PEER, [impl, plan.wampkitFrom], execArgv(nodeArgs)),
        ),
      );
      children.push(...procs);
      const team: Team = { active: procs[0]!, passive: procs[1]!, subscribers: procs.slice(1) };
      teams.set(impl, team);
      for (const serializer of serializers) {
        await Promise.all(
          procs.map((p) => p.request({ op: 'open', url, realm: REALM, serializer })),
        );
        await team.passive.request({
          op: 'register',
          serializer,
          procedure: procedureOf(impl, serializer),
        });
        await Promise.all(
          team.subscribers.map((p) =>
            p.request({ op: 'subscribe', serializer, topic: topicOf(impl, serializer) }),
          ),
        );
      }
    }

    const run = (impl: ClientImpl, c: Case, ms: number): Promise<Sample> => {
      const team = teams.get(impl)!;
      const req: LoopRequest = {
        op: c.scenario === 'rpc' ? 'rpc' : 'publish',
        serializer: c.serializer,
        uri: c.scenario === 'rpc' ? procedureOf(impl, c.serializer) : topicOf(impl, c.serializer),
        payload: c.payload,
        window: plan.window,
        ms,
      };
      return c.scenario === 'rpc' ? runRpc(team, router, req) : runPubSub(team, router, req);
    };

    for (const c of plan.cases) for (const impl of plan.clients) await run(impl, c, plan.warmupMs);
    plan.progress?.('warm-up done');

    const samples = new Map<string, Sample[]>();
    const key = (impl: ClientImpl, c: Case) => `${impl}|${c.scenario}|${c.serializer}|${c.payload}`;
    for (let round = 0; round < plan.rounds; round++) {
      for (const c of plan.cases) {
        const order = round % 2 === 0 ? plan.clients : [...plan.clients].reverse();
        for (const impl of order) {
          const sample = await run(impl, c, plan.runMs);
          const list = samples.get(key(impl, c)) ?? [];
          list.push(sample);
          samples.set(key(impl, c), list);
        }
      }
      plan.progress?.(`round ${round + 1}/${plan.rounds} done`);
    }

    const figures: Figure[] = [];
    for (const c of plan.cases) {
      for (const impl of plan.clients) {
        const list = samples.get(key(impl, c))!;
        const runs = list.map((s) => s.rate);
        figures.push({
          ...c,
          client: impl,
          rate: median(runs),
          runs,
          p50: median(list.map((s) => s.p50)),
          p90: median(list.map((s) => s.p90)),
          p99: median(list.map((s) => s.p99)),
          cpu: {
            active: median(list.map((s) => s.cpu.active)),
            passive: median(list.map((s) => s.cpu.passive)),
            router: median(list.map((s) => s.cpu.router)),
          },
        });
      }
    }
    return figures;
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

/** One RPC window: the caller measures itself; callee and router are read before and after. */
async function runRpc(team: Team, router: Peer, req: LoopRequest): Promise<Sample> {
  const [callee0, router0] = await Promise.all([
    team.passive.request<Mark>({ op: 'mark' }),
    router.request<Cpu>({ op: 'cpu' }),
  ]);
  const r = await team.active.request<LoopResult>({ ...req });
  const [callee1, router1] = await Promise.all([
    team.passive.request<Mark>({ op: 'mark' }),
    router.request<Cpu>({ op: 'cpu' }),
  ]);
  const invocations = callee1.invocations - callee0.invocations;
  if (invocations !== r.sent) {
    throw new Error(`callee saw ${invocations} invocations for ${r.sent} calls`);
  }
  return {
    rate: (r.count * 1000) / r.elapsedMs,
    p50: r.p50,
    p90: r.p90,
    p99: r.p99,
    cpu: {
      active: cpuUs({ user: 0, system: 0 }, r.cpu) / r.count,
      // Callee and router figures cover every call sent, the stragglers after the window too.
      passive: cpuUs(callee0.cpu, callee1.cpu) / invocations,
      router: cpuUs(router0, router1) / r.sent,
    },
  };
}

/**
 * One PubSub window: the publisher keeps `window` acknowledged publishes in flight; then the
 * driver waits until every subscriber has every event. Delivered events/s = events received by
 * all subscribers / (last event received - window start).
 */
async function runPubSub(team: Team, router: Peer, req: LoopRequest): Promise<Sample> {
  const mark = (p: Peer) => p.request<Mark>({ op: 'mark' });
  const [subs0, router0] = await Promise.all([
    Promise.all(team.subscribers.map(mark)),
    router.request<Cpu>({ op: 'cpu' }),
  ]);
  const r = await team.active.request<LoopResult>({ ...req });
  const deadline = performance.now() + DELIVERY_TIMEOUT_MS;
  let subs1: Mark[];
  for (;;) {
    subs1 = await Promise.all(team.subscribers.map(mark));
    const behind = subs1.some((m, i) => m.events - subs0[i]!.events < r.sent);
    if (!behind) break;
    if (performance.now() > deadline) {
      const got = subs1.map((m, i) => m.events - subs0[i]!.events).join(', ');
      throw new Error(`subscribers received ${got} of ${r.sent} events`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const router1 = await router.request<Cpu>({ op: 'cpu' });
  let delivered = 0;
  let lastAt = 0;
  let subscriberCpu = 0;
  subs1.forEach((m, i) => {
    const got = m.events - subs0[i]!.events;
    if (got !== r.sent) throw new Error(`a subscriber received ${got} of ${r.sent} events`);
    delivered += got;
    lastAt = Math.max(lastAt, m.lastEventAt);
    subscriberCpu += cpuUs(subs0[i]!.cpu, m.cpu) / got;
  });
  return {
    rate: (delivered * 1000) / (lastAt - r.startedAt),
    p50: r.p50,
    p90: r.p90,
    p99: r.p99,
    cpu: {
      active: cpuUs({ user: 0, system: 0 }, r.cpu) / r.count,
      passive: subscriberCpu / subs1.length,
      router: cpuUs(router0, router1) / r.sent,
    },
  };
}
