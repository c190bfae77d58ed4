/**
 * `pnpm bench deflate` (issue 2): permessage-deflate (RFC 7692) codecs on typical WAMP payloads
 * (WAMP-like JSON of ~100 B, 1 KiB and 64 KiB), in two parts:
 *
 * 1. codecs: our two DeflateCodec implementations, fflateCodec (extensions/deflate-codec.ts,
 *    pure JS, the default everywhere) and zlibCodec (node/zlib-codec.ts, node:zlib), called
 *    directly: compress one message, decompress one message (with the parameters our own
 *    peers negotiate: no context takeover both ways, and with the peer keeping its context, as
 *    ws and Autobahn do, where the decompressor carries the 32 KiB window), median ns of each,
 *    and msgs/s of compress + decompress.
 * 2. echo: end-to-end echo round trips/s with permessage-deflate on, our client and server with
 *    each codec forced, and ws client <-> ws server with perMessageDeflate, in strict ping-pong
 *    and pipelined (16 in flight) mode. Both libraries compress messages from 64 B on (ws's
 *    default threshold is 1 KiB; it is set to ours for a like-for-like run).
 *
 * The Node adapter's default codec (node/defaults.ts) follows this benchmark. Table on stderr,
 * one JSON line on stdout.
 */
import { performance } from 'node:perf_hooks';
import {
  type CodecParams,
  type DeflateCodecFactory,
  fflateCodec,
} from '../packages/framing/src/extensions/deflate-codec.js';
import { zlibCodec } from '../packages/framing/src/node/zlib-codec.js';
import { type EchoConfig, runEchoBench } from './lib/echo-bench.js';
import type { Impl } from './lib/echo-peer.js';
import { wampJson } from './lib/payloads.js';
import { envNumber, machine, median, printTable, round, sizeLabel } from './lib/stats.js';

const SIZES = [100, 1024, 65536];
const SAMPLES = 5;
const SAMPLE_MS = 40;
const CODECS: Record<string, DeflateCodecFactory> = { fflate: fflateCodec, zlib: zlibCodec };
const LIMIT = 64 * 1024 * 1024;
const started = performance.now();
let sink = 0;

/** Median ns per call over SAMPLES batches of ~SAMPLE_MS, after a calibrating warm-up. */
function nsPerOp(fn: () => void): number {
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    if (performance.now() - t0 >= SAMPLE_MS) break;
    batch *= 2;
  }
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push(((performance.now() - t0) * 1e6) / batch);
  }
  return median(samples);
}

const params = (peerKeepsContext: boolean): CodecParams => ({
  compressNoContextTakeover: true,
  decompressNoContextTakeover: !peerKeepsContext,
  compressWindowBits: 15,
  level: 6,
});

interface CodecRow {
  codec: string;
  size: number;
  compressedSize: number;
  compressNs: number;
  decompressNs: number;
  decompressContextNs: number;
  msgsPerSec: number;
}
const codecRows: CodecRow[] = [];
for (const size of SIZES) {
  const message = new TextEncoder().encode(wampJson(size));
  for (const [name, factory] of Object.entries(CODECS)) {
    const sender = factory(params(false));
    const compressed = sender.compress(message);
    // Both codecs must agree on the bytes, or the figures compare different work.
    for (const [other, check] of Object.entries(CODECS)) {
      const out = check(params(false)).decompress(compressed, true, LIMIT);
      const text = new TextDecoder().decode(concat(out));
      if (text !== wampJson(size)) throw new Error(`${other} cannot decompress ${name}'s output`);
    }
    const receiver = factory(params(false));
    const contextReceiver = factory(params(true));
    const compressNs = nsPerOp(() => {
      sink += sender.compress(message).length;
    });
    const decompressNs = nsPerOp(() => {
      sink += receiver.decompress(compressed, true, LIMIT).length;
    });
    const decompressContextNs = nsPerOp(() => {
      sink += contextReceiver.decompress(compressed, true, LIMIT).length;
    });
    codecRows.push({
      codec: name,
      size,
      compressedSize: compressed.length,
      compressNs: round(compressNs),
      decompressNs: round(decompressNs),
      decompressContextNs: round(decompressContextNs),
      msgsPerSec: round(1e9 / (compressNs + decompressNs)),
    });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

console.error(`codecs, WAMP-like JSON (median of ${SAMPLES} x ${SAMPLE_MS} ms; sink ${sink & 1})`);
printTable(
  ['size', 'codec', 'deflated', 'compress ns', 'inflate ns', 'inflate+ctx ns', 'c+d msg/s'],
  codecRows.map((r) => [
    sizeLabel(r.size),
    r.codec,
    String(r.compressedSize),
    r.compressNs.toLocaleString('en-US'),
    r.decompressNs.toLocaleString('en-US'),
    r.decompressContextNs.toLocaleString('en-US'),
    r.msgsPerSec.toLocaleString('en-US'),
  ]),
);

// Part 2: end to end.
const WINDOWS = [
  { mode: 'pingpong', window: 1 },
  // 16, not 100, in flight: a slow codec at 64 KiB would otherwise spend seconds draining.
  { mode: 'pipelined', window: 16 },
] as const;
const impls: Impl[] = ['ours+zlib', 'ours+fflate', 'ws'];
const configs: EchoConfig[] = [];
for (const { window } of WINDOWS)
  for (const size of SIZES) configs.push({ size, kind: 'text', window, deflate: true });
const rounds = envNumber('BENCH_ROUNDS', 3);
const runMs = envNumber('BENCH_SECONDS', 0.4) * 1000;
const figures = await runEchoBench({ impls, configs, rounds, runMs, warmupMs: 150 });
const echoRows = configs.map((c) => {
  const rate = (impl: Impl) =>
    figures.find((f) => f.impl === impl && f.size === c.size && f.window === c.window && f.deflate)!
      .msgsPerSec;
  const zlib = rate('ours+zlib');
  const fflate = rate('ours+fflate');
  const ws = rate('ws');
  return {
    mode: WINDOWS.find((w) => w.window === c.window)!.mode,
    window: c.window,
    size: c.size,
    oursZlib: round(zlib),
    oursFflate: round(fflate),
    ws: round(ws),
    zlibOverFflate: round(zlib / fflate, 2),
    bestOursOverWs: round(Math.max(zlib, fflate) / ws, 2),
  };
});
console.error(`\necho with permessage-deflate, round trips/s (median of ${rounds} x ${runMs} ms)`);
printTable(
  ['mode', 'size', 'ours zlib', 'ours fflate', 'ws', 'zlib/fflate', 'best ours/ws'],
  echoRows.map((r) => [
    `${r.mode}${r.window > 1 ? ` (${r.window})` : ''}`,
    sizeLabel(r.size),
    r.oursZlib.toLocaleString('en-US'),
    r.oursFflate.toLocaleString('en-US'),
    r.ws.toLocaleString('en-US'),
    r.zlibOverFflate.toFixed(2),
    r.bestOursOverWs.toFixed(2),
  ]),
);
console.error(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(
  JSON.stringify({
    bench: 'deflate',
    unit: {
      codecs: 'ns per message (median), msgs/s of compress+decompress',
      echo: 'round trips/s (median)',
    },
    machine: machine(),
    codecs: codecRows,
    echo: { rounds, runMs, results: echoRows },
  }),
);
