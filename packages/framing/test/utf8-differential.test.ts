/**
 * Differential test of the three UTF-8 validators: the WASM SIMD128 kernel (wasm/src/lib.rs),
 * the pure-TS reference (accel/utf8.ts) and Node's buffer.isUtf8 (simdutf). They must agree on
 * every 1-, 2- and 3-byte sequence (placed at several positions relative to the kernel's 16- and
 * 64-byte blocks and its tail handling), and on millions of generated and mutated inputs; the
 * incremental forms must fail on the same fragment as the reference state machine.
 */
import { isUtf8 as bufferIsUtf8 } from 'node:buffer';
import { beforeAll, describe, expect, it } from 'vitest';
import { isUtf8Js, JsUtf8Validator, type Utf8Validator } from '../src/accel/utf8.js';
import { loadWasmKernel, utf8TailIncomplete, type WasmKernel } from '../src/accel/wasm.js';
import { WasmUtf8Validator } from '../src/accel/wasm-accelerator.js';
import { createNodeAccelerator } from '../src/node/accelerator.js';

let kernel: WasmKernel;
beforeAll(() => {
  const k = loadWasmKernel();
  if (k === null) throw new Error('Node 20 supports SIMD128: the WASM kernel must load');
  kernel = k;
});

/** Deterministic xorshift32, so a failure can be replayed from its case number. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const hex = (b: Uint8Array, start: number, end: number) =>
  Array.from(b.subarray(start, end), (x) => x.toString(16).padStart(2, '0')).join(' ');

/**
 * Placements of a short sequence inside ASCII padding: [total length, offset]. They put it in the
 * kernel's tail path alone, across a 16-byte block boundary, across and after the 64-byte
 * unrolled loop (whose all-ASCII shortcut must still see a sequence left open), and straddling a
 * full block and the tail.
 */
const PLACEMENTS: ReadonlyArray<readonly [number, number]> = [
  [0, 0], // replaced by the sequence length: tail path only
  [32, 14],
  [32, 15],
  [21, 14],
  [128, 61],
  [128, 62],
  [128, 63],
  [67, 64],
];

describe('every 1-3 byte sequence', () => {
  it('WASM, JS reference and buffer.isUtf8 agree, at every placement', () => {
    const scratch = kernel.scratch;
    const seq = new Uint8Array(3);
    const views = [seq.subarray(0, 1), seq.subarray(0, 2), seq];
    let checked = 0;
    let valid = 0;
    for (let len = 1; len <= 3; len++) {
      const view = views[len - 1]!;
      const count = 1 << (8 * len);
      for (let v = 0; v < count; v++) {
        seq[0] = v & 0xff;
        seq[1] = (v >>> 8) & 0xff;
        seq[2] = v >>> 16;
        const ref = isUtf8Js(seq, 0, len);
        const native = bufferIsUtf8(view);
        if (native !== ref)
          throw new Error(`buffer.isUtf8 ${native} vs JS ${ref}: ${hex(seq, 0, len)}`);
        if (ref) valid++;
        for (const [total0, at] of PLACEMENTS) {
          const total = total0 === 0 ? len : total0;
          scratch.fill(0x61, 0, total);
          scratch[at] = seq[0]!;
          if (len > 1) scratch[at + 1] = seq[1]!;
          if (len > 2) scratch[at + 2] = seq[2]!;
          const wasm = kernel.isUtf8InScratch(total);
          if (wasm !== ref) {
            throw new Error(`WASM ${wasm} vs JS ${ref}: ${hex(seq, 0, len)} at ${at} of ${total}`);
          }
          checked++;
        }
      }
    }
    // 16,843,008 sequences, each at every placement. Valid: ASCII runs, plus C2..DF 80..BF
    // (1,920 two-byte characters), alone or beside an ASCII byte, plus the 61,440 three-byte ones.
    expect(checked).toBe((256 + 65_536 + 16_777_216) * PLACEMENTS.length);
    expect(valid).toBe(128 + (128 * 128 + 1920) + (128 * 128 * 128 + 2 * 128 * 1920 + 61_440));
  });

  it('split into fragments, the WASM stream fails on the same fragment as the JS validator', () => {
    const bytes = new Uint8Array(3);
    const js = new JsUtf8Validator();
    let checked = 0;
    for (let v = 0; v < 1 << 24; v++) {
      bytes[0] = v & 0xff;
      bytes[1] = (v >>> 8) & 0xff;
      bytes[2] = v >>> 16;
      for (let cut = 1; cut <= 2; cut++) {
        js.reset();
        const j1 = js.update(bytes, 0, cut);
        const j2 = j1 && js.update(bytes, cut, 3);
        const jEnd = j2 && js.finish();
        const t1 = kernel.utf8Stream(bytes, 0, cut, 0);
        const w1 = t1 >= 0;
        const t2 = w1 ? kernel.utf8Stream(bytes, cut, 3, t1) : -1;
        const w2 = t2 >= 0;
        const wEnd = w2 && !utf8TailIncomplete(t2);
        if (j1 !== w1 || j2 !== w2 || jEnd !== wEnd) {
          throw new Error(
            `split ${cut}: JS ${j1},${j2},${jEnd} WASM ${w1},${w2},${wEnd}: ${hex(bytes, 0, 3)}`,
          );
        }
        checked++;
      }
    }
    expect(checked).toBe(2 * (1 << 24));
  });
});

// ---------------------------------------------------------------------------------------------
// Generated and mutated inputs

/** Append the UTF-8 encoding of `cp` at `pos`; returns the new position. */
function encode(cp: number, out: Uint8Array, pos: number): number {
  if (cp < 0x80) {
    out[pos++] = cp;
  } else if (cp < 0x800) {
    out[pos++] = 0xc0 | (cp >> 6);
    out[pos++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    out[pos++] = 0xe0 | (cp >> 12);
    out[pos++] = 0x80 | ((cp >> 6) & 0x3f);
    out[pos++] = 0x80 | (cp & 0x3f);
  } else {
    out[pos++] = 0xf0 | (cp >> 18);
    out[pos++] = 0x80 | ((cp >> 12) & 0x3f);
    out[pos++] = 0x80 | ((cp >> 6) & 0x3f);
    out[pos++] = 0x80 | (cp & 0x3f);
  }
  return pos;
}

/** Code points at the edges of each encoding length and of the surrogate gap. */
const EDGE_CODE_POINTS = [
  0x00, 0x7f, 0x80, 0x7ff, 0x800, 0xfff, 0x1000, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x3ffff,
  0x40000, 0xfffff, 0x100000, 0x10ffff,
];

/** A valid UTF-8 corpus: ~50% ASCII, the rest spread over 2-, 3- and 4-byte forms and edges. */
function corpus(size: number, next: () => number): Uint8Array {
  const out = new Uint8Array(size + 4);
  let pos = 0;
  while (pos < size) {
    const r = next() % 100;
    let cp: number;
    if (r < 50) cp = next() % 0x80;
    else if (r < 65) cp = 0x80 + (next() % (0x800 - 0x80));
    else if (r < 82) {
      cp = 0x800 + (next() % (0x10000 - 0x800 - 0x800));
      if (cp >= 0xd800) cp += 0x800; // skip the surrogates
    } else if (r < 95) cp = 0x10000 + (next() % 0x100000);
    else cp = EDGE_CODE_POINTS[next() % EDGE_CODE_POINTS.length]!;
    pos = encode(cp, out, pos);
  }
  return out.subarray(0, size);
}

/** Byte values around every decision boundary of the UTF-8 grammar. */
const INTERESTING = [
  0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec,
  0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xfb, 0xfc, 0xfe, 0xff,
];

/** Valid edge encodings and every class of ill-formed sequence. */
const SNIPPETS: ReadonlyArray<readonly number[]> = [
  [0xc0, 0x80], // overlong NUL
  [0xc1, 0xbf], // overlong U+007F
  [0xe0, 0x80, 0x80], // overlong 3-byte
  [0xe0, 0x9f, 0xbf], // overlong U+07FF
  [0xf0, 0x80, 0x80, 0x80], // overlong 4-byte
  [0xf0, 0x8f, 0xbf, 0xbf], // overlong U+FFFF
  [0xed, 0xa0, 0x80], // surrogate U+D800
  [0xed, 0xbf, 0xbf], // surrogate U+DFFF
  [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80], // CESU-8 pair for U+1F600
  [0xf4, 0x90, 0x80, 0x80], // U+110000
  [0xf5, 0x80, 0x80, 0x80], // F5 lead
  [0xf7, 0xbf, 0xbf, 0xbf], // U+1FFFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
  [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80], // 6-byte form
  [0xe2, 0x82], // truncated 3-byte
  [0xf0, 0x9f, 0x98], // truncated 4-byte
  [0xc3], // lone lead
  [0x80], // lone continuation
  [0xbf, 0xbf], // two continuations
  [0xe1, 0x80, 0x80, 0x80], // one continuation too many
  [0xc2, 0x80], // U+0080
  [0xdf, 0xbf], // U+07FF
  [0xe0, 0xa0, 0x80], // U+0800
  [0xed, 0x9f, 0xbf], // U+D7FF
  [0xee, 0x80, 0x80], // U+E000
  [0xef, 0xbf, 0xbf], // U+FFFF
  [0xf0, 0x90, 0x80, 0x80], // U+10000
  [0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF
];

const BOUNDARIES = [16, 32, 48, 64, 80, 96, 112, 128, 192, 256];

/** A mutation position: half the time within 3 bytes of a 16/64-byte block boundary. */
function position(length: number, next: () => number): number {
  if (length === 0) return 0;
  if (next() & 1) {
    const b = BOUNDARIES[next() % BOUNDARIES.length]!;
    const p = b - 3 + (next() % 6);
    if (p >= 0 && p < length) return p;
  }
  return next() % length;
}

/** Mutate buf[0, length) in place; returns the new length. */
function mutate(buf: Uint8Array, length: number, next: () => number): number {
  const p = position(length, next);
  switch (next() % 6) {
    case 0:
      buf[p] = next() & 0xff;
      return length;
    case 1:
    case 2:
      buf[p] = INTERESTING[next() % INTERESTING.length]!;
      return length;
    case 3: {
      const s = SNIPPETS[next() % SNIPPETS.length]!;
      for (let i = 0; i < s.length && p + i < buf.length; i++) buf[p + i] = s[i]!;
      return Math.min(buf.length, Math.max(length, p + s.length));
    }
    case 4: // truncate
      return p;
    default: // delete one byte
      buf.copyWithin(p, p + 1, length);
      return Math.max(0, length - 1);
  }
}

/** Feed buf[0, length) in fragments cut at `cuts`; returns each update's result and finish(). */
function feed(v: Utf8Validator, buf: Uint8Array, length: number, cuts: number[]): string {
  let out = '';
  let start = 0;
  for (const end of [...cuts, length]) {
    const ok = v.update(buf, start, end);
    out += ok ? '1' : '0';
    if (!ok) return out;
    start = end;
  }
  return `${out}|${v.finish() ? 1 : 0}`;
}

describe('generated and mutated inputs', () => {
  const CASES = 3_000_000;

  it(`${CASES.toLocaleString('en')} inputs up to 300 bytes: all validators agree`, () => {
    const next = rng(0x5eed);
    const text = corpus(1 << 20, next);
    const buf = new Uint8Array(320);
    const views = Array.from({ length: buf.length + 1 }, (_, n) => buf.subarray(0, n));
    const node = createNodeAccelerator({ wasm: false });
    const wasmOnly = () => new WasmUtf8Validator(kernel, 0); // every fragment to WASM
    const hybrid = () => new WasmUtf8Validator(kernel); // small fragments to JS
    const js = new JsUtf8Validator();
    let valid = 0;
    let incremental = 0;
    for (let c = 0; c < CASES; c++) {
      // Lengths cluster below 80 (around the 16/64-byte blocks), some up to 300.
      const r = next();
      let length = r % 8 === 0 ? next() % 300 : next() % 80;
      let start = next() % (text.length - length);
      if (r % 16 !== 3) {
        // Mostly on code point boundaries (unaligned windows start or end mid-sequence).
        while ((text[start]! & 0xc0) === 0x80) start++;
        while (length > 0 && (text[start + length]! & 0xc0) === 0x80) length--;
      }
      buf.set(text.subarray(start, start + length));
      const mutations = r % 4 === 1 ? 0 : 1 + ((r >>> 3) % 3);
      for (let m = 0; m < mutations; m++) length = mutate(buf, length, next);

      const ref = isUtf8Js(buf, 0, length);
      const wasm = kernel.isUtf8(buf, 0, length);
      const native = bufferIsUtf8(views[length]!);
      if (wasm !== ref || native !== ref) {
        throw new Error(
          `case ${c}: JS ${ref} WASM ${wasm} buffer.isUtf8 ${native}: ${hex(buf, 0, length)}`,
        );
      }
      if (ref) valid++;

      // One case in four: random fragments through every incremental validator.
      if ((r >>> 8) % 4 === 0) {
        const cuts: number[] = [];
        for (let p = 0; p < length; ) {
          p += 1 + (next() % (next() & 1 ? 4 : 40));
          if (p < length) cuts.push(p);
        }
        js.reset();
        const expected = feed(js, buf, length, cuts);
        const results = [
          feed(wasmOnly(), buf, length, cuts),
          feed(hybrid(), buf, length, cuts),
          feed(node.createUtf8Validator(), buf, length, cuts),
        ];
        for (const got of results) {
          if (got !== expected) {
            throw new Error(
              `case ${c} cuts ${cuts}: JS ${expected}, got ${results}: ${hex(buf, 0, length)}`,
            );
          }
        }
        incremental++;
      }
    }
    // Both outcomes must be well represented, or the generator is broken.
    expect(valid).toBeGreaterThan(CASES * 0.25);
    expect(CASES - valid).toBeGreaterThan(CASES * 0.25);
    expect(incremental).toBeGreaterThan(CASES / 5);
    console.log(
      `utf8 differential: ${CASES} inputs (${valid} valid), ${incremental} fragmented, all agree`,
    );
  });

  it('large inputs across the 64 KiB scratch boundary agree', () => {
    const next = rng(0xb16);
    const text = corpus(1 << 19, next);
    const buf = new Uint8Array(200_000);
    let valid = 0;
    for (let c = 0; c < 200; c++) {
      let length = 60_000 + (next() % 139_000);
      // A window on code point boundaries, so unmutated cases are valid.
      let start = next() % (text.length - length);
      while ((text[start]! & 0xc0) === 0x80) start++;
      while ((text[start + length]! & 0xc0) === 0x80) length--;
      buf.set(text.subarray(start, start + length));
      if (c % 4 !== 0) {
        // One mutation near the 65,536-byte chunk edge, a block edge, or anywhere.
        const at = [65_536 - 3 + (next() % 6), 64 * (next() % 3000), next() % length][c % 3]!;
        if (at < length) buf[at] = INTERESTING[next() % INTERESTING.length]!;
        if (c % 8 === 1) length = Math.min(length, 65_536 + (next() % 4));
      }
      const ref = isUtf8Js(buf, 0, length);
      const view = buf.subarray(0, length);
      expect(kernel.isUtf8(buf, 0, length), `case ${c}`).toBe(ref);
      expect(bufferIsUtf8(view), `case ${c}`).toBe(ref);
      const v = new WasmUtf8Validator(kernel);
      const cut = next() % length;
      expect(v.update(buf, 0, cut) && v.update(buf, cut, length) && v.finish(), `case ${c}`).toBe(
        ref,
      );
      if (ref) valid++;
    }
    expect(valid).toBeGreaterThan(20);
    expect(valid).toBeLessThan(180);
  });
});
