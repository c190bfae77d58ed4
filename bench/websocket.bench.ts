/**
 * `pnpm bench websocket` (issue 2): echo round trips per second, our Node client <-> our server
 * versus `ws` client <-> `ws` server (ws 8 with bufferutil + utf-8-validate), for 16 B, 1 KiB
 * and 64 KiB messages, in two modes:
 *
 * - pingpong: strict ping-pong, one message in flight; measures latency per round trip, which
 *   on loopback is dominated by the kernel and the event loop, not by the WebSocket code.
 * - pipelined: WINDOW (100) messages in flight; measures how much work each library spends per
 *   message. The 1.3x target of issue 2 is judged on this mode.
 *
 * Payloads are binary (pseudo-random bytes): the frame engine's work without string conversion.
 * With BENCH_TEXT=1 text rows (WAMP-like JSON) are added. Server and client of each library run
 * in their own child processes; every configuration is measured RUN seconds per round
 * (BENCH_SECONDS, default 0.75) over ROUNDS rounds (BENCH_ROUNDS, default 3) after a warm-up,
 * implementations interleaved; the median is reported. Table on stderr, one JSON line on stdout.
 */
import { type EchoConfig, type EchoFigure, runEchoBench } from './lib/echo-bench.js';
import { envNumber, machine, printTable, round, sizeLabel } from './lib/stats.js';

const SIZES = [16, 1024, 65536];
const WINDOW = 100;
const MODES = [
  { mode: 'pingpong', window: 1 },
  { mode: 'pipelined', window: WINDOW },
] as const;
const kinds: Array<'binary' | 'text'> =
  process.env.BENCH_TEXT === '1' ? ['binary', 'text'] : ['binary'];
const runMs = envNumber('BENCH_SECONDS', 0.75) * 1000;
const rounds = envNumber('BENCH_ROUNDS', 3);

// Filters for profiling one case: BENCH_MODES=pipelined BENCH_SIZES=65536.
const onlyModes = process.env.BENCH_MODES?.split(',');
const onlySizes = process.env.BENCH_SIZES?.split(',').map(Number);
const configs: EchoConfig[] = [];
for (const { mode, window } of MODES) {
  if (onlyModes && !onlyModes.includes(mode)) continue;
  for (const kind of kinds)
    for (const size of SIZES)
      if (!onlySizes || onlySizes.includes(size))
        configs.push({ size, kind, window, deflate: false });
}

const started = performance.now();
const profile = process.env.BENCH_CPU_PROF;
const figures = await runEchoBench({
  impls: process.env.BENCH_IMPLS === 'ours' ? ['ours'] : ['ours', 'ws', 'tcp'],
  configs,
  rounds,
  runMs,
  warmupMs: 250,
  nodeArgs: profile
    ? { ours: ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${profile}`] }
    : {},
  progress: (line) => console.error(line),
});

const results = configs.map((c) => {
  const mode = MODES.find((m) => m.window === c.window)!.mode;
  const ours = figures.find((f) => f.impl === 'ours' && sameConfig(f, c))!;
  // Absent when profiling ours alone (BENCH_IMPLS=ours): its figures become null in the JSON.
  const ws = figures.find((f) => f.impl === 'ws' && sameConfig(f, c)) ?? missing(c);
  const tcp = figures.find((f) => f.impl === 'tcp' && sameConfig(f, c)) ?? missing(c);
  return {
    mode,
    window: c.window,
    kind: c.kind,
    size: c.size,
    ours: round(ours.msgsPerSec),
    ws: round(ws.msgsPerSec),
    ratio: round(ours.msgsPerSec / ws.msgsPerSec, 2),
    /** Raw node:net echo of the same bytes: the ceiling set by the kernel and Node's I/O. */
    tcp: round(tcp.msgsPerSec),
    // CPU microseconds per round trip (user + system) in the client and server processes.
    cpuUs: {
      ours: { client: round(ours.cpuPerMsg.client, 2), server: round(ours.cpuPerMsg.server, 2) },
      ws: { client: round(ws.cpuPerMsg.client, 2), server: round(ws.cpuPerMsg.server, 2) },
    },
    systemUs: {
      ours: {
        client: round(ours.cpuPerMsg.clientSystem, 2),
        server: round(ours.cpuPerMsg.serverSystem, 2),
      },
      ws: {
        client: round(ws.cpuPerMsg.clientSystem, 2),
        server: round(ws.cpuPerMsg.serverSystem, 2),
      },
    },
  };
});

function missing(c: EchoConfig): EchoFigure {
  const n = Number.NaN;
  return {
    ...c,
    impl: 'ws',
    msgsPerSec: n,
    runs: [],
    cpuPerMsg: { client: n, server: n, clientSystem: n, serverSystem: n },
  };
}

function sameConfig(a: EchoConfig, b: EchoConfig): boolean {
  return a.size === b.size && a.kind === b.kind && a.window === b.window && a.deflate === b.deflate;
}

console.error(
  `\nWebSocket echo round trips/s (median of ${rounds} x ${runMs} ms; ours / ws >= 1.3 is the target, judged on pipelined)`,
);
printTable(
  [
    'mode',
    'kind',
    'size',
    'ours msg/s',
    'ws msg/s',
    'ours/ws',
    'tcp msg/s',
    'cpu us/msg ours c+s (sys)',
    'ws c+s (sys)',
  ],
  results.map((r) => [
    `${r.mode}${r.window > 1 ? ` (${r.window})` : ''}`,
    r.kind,
    sizeLabel(r.size),
    r.ours.toLocaleString('en-US'),
    r.ws.toLocaleString('en-US'),
    r.ratio.toFixed(2),
    r.tcp.toLocaleString('en-US'),
    `${r.cpuUs.ours.client}+${r.cpuUs.ours.server} (${round(r.systemUs.ours.client + r.systemUs.ours.server, 2)})`,
    `${r.cpuUs.ws.client}+${r.cpuUs.ws.server} (${round(r.systemUs.ws.client + r.systemUs.ws.server, 2)})`,
  ]),
);
console.error(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(
  JSON.stringify({
    bench: 'websocket',
    unit: 'round trips/s (median)',
    target: { ratio: 1.3, judgedOn: 'pipelined' },
    rounds,
    runMs,
    machine: machine(),
    results,
  }),
);
