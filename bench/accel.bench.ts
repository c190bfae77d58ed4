/**
 * `pnpm bench accel`: masking (RFC 6455 §5.3) and UTF-8 validation per payload size, for every
 * implementation @wampkit/framing can dispatch to: the pure-TS reference ("js"), the WASM SIMD128
 * kernel with the copies into and out of its memory ("wasm"), the same kernel on data already in
 * its memory ("wasm-nocopy": what the copies cost), the optional native bufferutil, Node's
 * buffer.isUtf8 (simdutf), and the accelerators as selected ("browser" = the runtime-neutral
 * default selectAccelerator(), "node" = node/accelerator.ts). The thresholds in
 * wasm-accelerator.ts and node/accelerator.ts name this benchmark.
 *
 * Method: per case, a warm-up, then 15 samples of a batch sized to ~2 ms; the median ns/op is
 * reported (and MB/s). A table goes to stderr, one JSON line to stdout at the end.
 */
import { isUtf8 as bufferIsUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { selectAccelerator } from '../packages/framing/src/accel/accelerator.js';
import { maskJs } from '../packages/framing/src/accel/mask.js';
import { isUtf8Js } from '../packages/framing/src/accel/utf8.js';
import { loadWasmKernel } from '../packages/framing/src/accel/wasm.js';
import { createNodeAccelerator } from '../packages/framing/src/node/accelerator.js';

type BufferUtil = {
  mask(source: Uint8Array, mask: Uint8Array, output: Uint8Array, offset: number, len: number): void;
};

const SIZES = [8, 16, 32, 48, 64, 96, 128, 192, 256, 512, 1024, 4096, 16384, 65536, 262144];
const SAMPLES = 15;
const SAMPLE_MS = 2;

const kernel = loadWasmKernel();
if (kernel === null) throw new Error('WASM SIMD128 unavailable in this Node: nothing to compare');
let bufferutil: BufferUtil | null = null;
try {
  bufferutil = createRequire(import.meta.url)('bufferutil') as BufferUtil;
} catch {
  console.error('bufferutil not installed: its rows are skipped');
}
const browserAcc = selectAccelerator();
const nodeAcc = createNodeAccelerator();

let sink = 0;

/** Median ns per call of fn over SAMPLES batches of ~SAMPLE_MS each, after a warm-up. */
function measure(fn: () => void): number {
  let batch = 1;
  // Warm-up + calibration: grow the batch until it takes SAMPLE_MS.
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= SAMPLE_MS) break;
    batch *= dt < SAMPLE_MS / 8 ? 4 : 2;
  }
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push(((performance.now() - t0) * 1e6) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[SAMPLES >> 1]!;
}

/** Mixed text: ASCII with 2-, 3- and 4-byte code points (~25% non-ASCII characters). */
function text(size: number, ascii: boolean): Uint8Array {
  const pieces = ascii ? ['wamp.call '] : ['wamp ', 'é', 'ü ', '€', '中文', ' 😀', 'ok '];
  const enc = new TextEncoder();
  let s = '';
  let i = 0;
  while (enc.encode(s).length < size + 8) s += pieces[i++ % pieces.length]!;
  const bytes = enc.encode(s);
  // Cut at a code point boundary at or below `size`.
  let end = size;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  const out = new Uint8Array(size).fill(0x20);
  out.set(bytes.subarray(0, end));
  return out;
}

interface Row {
  op: string;
  impl: string;
  size: number;
  ns: number;
  mbps: number;
}
const rows: Row[] = [];
function record(op: string, impl: string, size: number, fn: () => void): void {
  const ns = measure(fn);
  rows.push({ op, impl, size, ns: Math.round(ns * 10) / 10, mbps: Math.round((size / ns) * 1e3) });
}

const key = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
for (const size of SIZES) {
  const src = new Uint8Array(size + 3).map((_, i) => (i * 31) & 0xff);
  const dst = new Uint8Array(size + 3);
  // Offsets 1 and 2: the realistic case of a payload behind a frame header, key phase 1.
  record('mask', 'js', size, () => {
    maskJs(src, 1, key, 1, dst, 2, size);
    sink += dst[2]!;
  });
  record('mask', 'wasm', size, () => {
    kernel.mask(src, 1, key, 1, dst, 2, size);
    sink += dst[2]!;
  });
  if (bufferutil !== null) {
    const bu = bufferutil;
    const rotated = new Uint8Array([key[1]!, key[2]!, key[3]!, key[0]!]);
    record('mask', 'bufferutil', size, () => {
      bu.mask(src.subarray(1), rotated, dst, 2, size);
      sink += dst[2]!;
    });
  }
  record('mask', 'browser', size, () => {
    browserAcc.mask(src, 1, key, 1, dst, 2, size);
    sink += dst[2]!;
  });
  record('mask', 'node', size, () => {
    nodeAcc.mask(src, 1, key, 1, dst, 2, size);
    sink += dst[2]!;
  });
}
for (const ascii of [true, false]) {
  const op = ascii ? 'utf8-ascii' : 'utf8-mixed';
  for (const size of SIZES) {
    const buf = text(size, ascii);
    if (!isUtf8Js(buf, 0, size)) throw new Error('bench input is not UTF-8');
    record(op, 'js', size, () => {
      sink += isUtf8Js(buf, 0, size) ? 1 : 0;
    });
    record(op, 'wasm', size, () => {
      sink += kernel.isUtf8(buf, 0, size) ? 1 : 0;
    });
    record(op, 'buffer.isUtf8', size, () => {
      sink += bufferIsUtf8(buf) ? 1 : 0;
    });
    record(op, 'browser', size, () => {
      sink += browserAcc.isUtf8(buf, 0, size) ? 1 : 0;
    });
    record(op, 'node', size, () => {
      sink += nodeAcc.isUtf8(buf, 0, size) ? 1 : 0;
    });
  }
}

// Human-readable table: ns/op per implementation, one line per (op, size).
const impls = [...new Set(rows.map((r) => r.impl))];
const ops = [...new Set(rows.map((r) => r.op))];
const pad = (s: string | number, n: number) => String(s).padStart(n);
for (const op of ops) {
  console.error(`\n${op} (median ns/op; MB/s of the fastest)`);
  console.error(`${pad('size', 8)} ${impls.map((i) => pad(i, 14)).join('')}  fastest`);
  for (const size of SIZES) {
    const cells = rows.filter((r) => r.op === op && r.size === size);
    if (cells.length === 0) continue;
    const best = cells.reduce((a, b) => (b.ns < a.ns ? b : a));
    const line = impls.map((i) => pad(cells.find((c) => c.impl === i)?.ns ?? '-', 14)).join('');
    console.error(`${pad(size, 8)} ${line}  ${best.impl} ${best.mbps} MB/s`);
  }
}
console.error(`\nselected: browser=${browserAcc.name} node=${nodeAcc.name} (sink ${sink & 1})`);
console.log(
  JSON.stringify({
    bench: 'accel',
    node: process.version,
    unit: 'ns/op (median)',
    accelerators: { browser: browserAcc.name, node: nodeAcc.name },
    results: rows,
  }),
);
