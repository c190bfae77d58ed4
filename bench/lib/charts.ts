/**
 * Turns each benchmark's JSON line (the shapes printed by bench/<name>.bench.ts) into bar-chart
 * groups: one group per metric, wampkit's bar next to each peer's. A bench without a mapping
 * here gets no chart (run.ts says so).
 */
import type { Bar, BarGroup, Chart } from './svg.js';

type Json = Record<string, unknown>;
type Mapper = (json: Json) => Chart;

const sizeLabel = (n: number) =>
  n >= 1024 ? `${n % 1024 === 0 ? n / 1024 : (n / 1024).toFixed(1)} KiB` : `${n} B`;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);
const bars = (pairs: Array<[string, unknown]>): Bar[] =>
  pairs.map(([series, value]) => ({ series, value: num(value) }));

const websocket: Mapper = (j) => ({
  title: 'WebSocket echo: wampkit vs ws (+bufferutil, +utf-8-validate)',
  subtitle: 'round trips/s, median; tcp = raw node:net echo of the same bytes (ceiling)',
  groups: arr(j.results).map((r) => ({
    label: `${r.mode}${num(r.window) > 1 ? ` (${r.window} in flight)` : ''}, ${r.kind} ${sizeLabel(num(r.size))}: round trips/s`,
    better: 'higher',
    bars: bars([
      ['wampkit', r.ours],
      ['ws', r.ws],
      ['tcp', r.tcp],
    ]),
  })),
});

const deflate: Mapper = (j) => ({
  title: 'permessage-deflate echo: wampkit (zlib, fflate) vs ws',
  subtitle: 'text round trips/s with deflate on both ends, median',
  groups: arr((j.echo as Json | undefined)?.results).map((r) => ({
    label: `${r.mode}${num(r.window) > 1 ? ` (${r.window} in flight)` : ''}, ${sizeLabel(num(r.size))}: round trips/s`,
    better: 'higher',
    bars: bars([
      ['wampkit+zlib', r.oursZlib],
      ['wampkit+fflate', r.oursFflate],
      ['ws', r.ws],
    ]),
  })),
});

/** A few sizes of the full sweep; the JSON keeps them all. */
const ACCEL_SIZES = [16, 128, 1024, 65536];
const accel: Mapper = (j) => {
  const rows = arr(j.results);
  const groups: BarGroup[] = [];
  for (const op of [...new Set(rows.map((r) => String(r.op)))]) {
    for (const size of ACCEL_SIZES) {
      const at = rows.filter((r) => r.op === op && r.size === size);
      if (at.length === 0) continue;
      // "node" and "browser" are wampkit's selected paths; bufferutil is what ws uses.
      const order = ['node', 'browser', 'js', 'wasm', 'bufferutil'];
      at.sort((a, b) => order.indexOf(String(a.impl)) - order.indexOf(String(b.impl)));
      groups.push({
        label: `${op} ${sizeLabel(size)}: MB/s`,
        better: 'higher',
        bars: at.map((r) => ({
          series: r.impl === 'bufferutil' ? 'bufferutil (ws)' : `wampkit ${r.impl}`,
          value: num(r.mbps),
        })),
      });
    }
  }
  return {
    title: 'Masking and UTF-8 validation: wampkit accelerators vs bufferutil',
    subtitle: 'MB/s from ns/op (median); "wampkit node"/"wampkit browser" = selected paths',
    groups,
  };
};

const PEER_NAMES: Record<string, string> = {
  'autobahn-js': 'Autobahn|JS',
  autobahn: 'Autobahn|JS',
};
const serializers: Mapper = (j) => {
  const results = (j.results ?? {}) as Record<string, Record<string, Record<string, number>>>;
  const impls = Object.keys(results);
  const groups: BarGroup[] = [];
  const ours = results.wampkit ?? {};
  for (const [codec, messages] of Object.entries(ours)) {
    for (const message of Object.keys(messages)) {
      const present = impls.filter((i) => results[i]?.[codec]?.[message] !== undefined);
      if (present.length < 2) continue;
      groups.push({
        label: `${codec} ${message}: msgs per CPU second (encode+decode)`,
        better: 'higher',
        bars: present.map((i) => ({
          series: PEER_NAMES[i] ?? i,
          value: num(results[i]![codec]![message]),
        })),
      });
    }
  }
  return {
    title: 'WAMP serializers: wampkit vs Autobahn|JS 22.11.1 and wampy 8.0.2',
    subtitle: 'median; codecs a peer lacks are left out',
    groups,
  };
};

const size: Mapper = (j) => {
  const clients = (j.clients ?? {}) as Record<string, { raw: number; gzip: number }>;
  const of = (k: 'raw' | 'gzip') =>
    Object.entries(clients).map(([n, c]) => ({ series: PEER_NAMES[n] ?? n, value: c[k] }));
  return {
    title: 'Client bundle size: wampkit vs wampy and Autobahn|JS',
    subtitle: `minified JSON-only client bundle (lazy codecs excluded); budget ${j.budget} B gzip`,
    groups: [
      { label: 'gzip bytes', better: 'lower', bars: of('gzip') },
      { label: 'raw bytes', better: 'lower', bars: of('raw') },
    ],
  };
};

/** Per what the driver divides CPU time: subscribers per event received, others per request. */
const unitOf = (role: string, rpc: boolean) =>
  rpc ? 'call' : role === 'subscriber' ? 'event received' : 'publish';

/** wamp and router share one results shape (bench/wamp/driver.ts figures). */
function wampGroups(
  rows: Json[],
  seriesOf: (r: Json) => string,
  latencies: readonly string[] = ['p99'],
): BarGroup[] {
  const groups = new Map<string, BarGroup>();
  const add = (label: string, better: 'higher' | 'lower', series: string, value: number) => {
    const g = groups.get(label) ?? { label, better, bars: [] };
    g.bars.push({ series, value });
    groups.set(label, g);
  };
  for (const r of rows) {
    const what = `${r.scenario} ${r.serializer} ${r.payload}`;
    const cpu = (r.cpuUs ?? {}) as Record<string, number>;
    const lat = (r.latencyMs ?? {}) as Record<string, number>;
    const s = seriesOf(r);
    const rpc = r.scenario === 'rpc';
    add(`${what}: ${rpc ? 'calls/s' : 'events/s delivered'}`, 'higher', s, num(r.rate));
    for (const p of latencies) add(`${what}: ${p} latency ms`, 'lower', s, num(lat[p]));
    for (const [role, us] of Object.entries(cpu))
      add(`${what}: ${role} CPU µs per ${unitOf(role, rpc)}`, 'lower', s, num(us));
  }
  return [...groups.values()];
}

const wamp: Mapper = (j) => ({
  title: 'WAMP clients through our router: wampkit vs Autobahn|JS 22.11.1 and wampy 8.0.2',
  subtitle: `median; ${j.window} requests in flight; ${j.subscribers} subscribers`,
  groups: wampGroups(arr(j.results), (r) => PEER_NAMES[String(r.client)] ?? String(r.client)),
});

const router: Mapper = (j) => ({
  title: 'WAMP routers: wampkit router vs fox-wamp (same clients, JSON)',
  subtitle: `median; client ${j.client}; ${j.window} requests in flight`,
  groups: wampGroups(arr(j.results), (r) => `${r.router} router`, ['p50', 'p90', 'p99']),
});

const scale: Mapper = (j) => {
  const groups: BarGroup[] = [];
  const mem = arr(j.memory);
  for (const [key, what] of [
    ['heapKibPerSession', 'heap used'],
    ['kibPerSession', 'RSS'],
  ] as const)
    if (mem.length > 0)
      groups.push({
        label: `${what} per idle session, KiB`,
        better: 'lower',
        bars: mem.map((m) => ({ series: String(m.what), value: num(m[key]) })),
      });
  const curve = arr(j.curve);
  for (const n of [...new Set(curve.map((r) => num(r.sessions)))]) {
    const at = curve.filter((r) => r.sessions === n);
    const of = (pick: (r: Json) => unknown) =>
      at.map((r) => ({ series: String(r.client), value: num(pick(r)) }));
    groups.push(
      {
        label: `${n} concurrent sessions: calls/s (all sessions)`,
        better: 'higher',
        bars: of((r) => r.rate),
      },
      {
        label: `${n} concurrent sessions: p99 latency ms`,
        better: 'lower',
        bars: of((r) => (r.latencyMs as Json | undefined)?.p99),
      },
      {
        label: `${n} concurrent sessions: router CPU µs per call`,
        better: 'lower',
        bars: of((r) => (r.cpuUs as Json | undefined)?.router),
      },
    );
  }
  return {
    title: 'Cost per session, and RPC throughput as concurrent sessions grow',
    subtitle: `median; loopback; curve through our router, 1 call in flight per session`,
    groups,
  };
};

export const CHARTS: Record<string, Mapper> = {
  websocket,
  deflate,
  accel,
  serializers,
  size,
  wamp,
  router,
  scale,
};
