/**
 * UTF-8 for the binary codecs. Short ASCII strings are read and written by JavaScript loops
 * (a TextDecoder call costs ~100 ns, more than the loop up to ~36 bytes: measured per string
 * length while tuning bench/serializers.bench.ts event1k); the rest goes through the strict
 * native codec.
 */
export { utf8Length } from '../utf8-length.js';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();
const fromCharCode = String.fromCharCode;

/** Longest string read by the JavaScript loop (TextDecoder is faster above ~36 bytes). */
const SHORT = 32;

/** Decodes bytes[start, end) as strict UTF-8; throws TypeError on invalid input. */
export function readUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > SHORT) return decoder.decode(bytes.subarray(start, end));
  // ASCII, eight code units per fromCharCode call.
  let s = '';
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const c0 = bytes[i]!;
    const c1 = bytes[i + 1]!;
    const c2 = bytes[i + 2]!;
    const c3 = bytes[i + 3]!;
    const c4 = bytes[i + 4]!;
    const c5 = bytes[i + 5]!;
    const c6 = bytes[i + 6]!;
    const c7 = bytes[i + 7]!;
    if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) >= 0x80) {
      return decoder.decode(bytes.subarray(start, end));
    }
    s += fromCharCode(c0, c1, c2, c3, c4, c5, c6, c7);
  }
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 0x80) return decoder.decode(bytes.subarray(start, end));
    s += fromCharCode(c);
  }
  return s;
}

/**
 * Map keys repeat from message to message: a direct-mapped cache (4096 slots, indexed by a hash
 * of the key bytes) hands back the same string object for keys of up to 32 bytes. Besides
 * skipping the decode, a repeated string object stays internalized, so storing it as a property
 * name does not look it up in V8's string table again.
 */
const KEY_MAX = 32;
const SLOTS = 4096;
const slotBytes: (Uint8Array | undefined)[] = new Array(SLOTS).fill(undefined);
const slotStrings: string[] = new Array(SLOTS).fill('');

/**
 * Hash of the bytes of the last key read by readKey (only its length for keys longer than
 * KEY_MAX), which the decoders fold into a dict's shape hash (map-shapes.ts).
 */
export let keyHash = 0;

export function readKey(bytes: Uint8Array, start: number, end: number): string {
  const len = end - start;
  if (len > KEY_MAX) {
    keyHash = len;
    return readUtf8(bytes, start, end);
  }
  let h = len;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  keyHash = h;
  const slot = (h ^ (h >>> 15)) & (SLOTS - 1);
  const k = slotBytes[slot];
  if (k !== undefined && k.length === len) {
    let i = 0;
    while (i < len && k[i] === bytes[start + i]) i++;
    if (i === len) return slotStrings[slot]!;
  }
  const s = readUtf8(bytes, start, end);
  slotBytes[slot] = bytes.slice(start, end);
  slotStrings[slot] = s;
  return s;
}

/** Writes `s` as UTF-8 at `pos` (room for utf8Length(s) bytes must exist); returns the new pos. */
export function writeUtf8(buf: Uint8Array, pos: number, s: string, byteLength: number): number {
  if (byteLength === s.length) {
    for (let i = 0; i < s.length; i++) buf[pos + i] = s.charCodeAt(i);
    return pos + byteLength;
  }
  encoder.encodeInto(s, buf.subarray(pos, pos + byteLength));
  return pos + byteLength;
}

/** Whether every code unit of a short string is ASCII (then its UTF-8 length is its length). */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}
