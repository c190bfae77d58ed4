/**
 * Standard base64 (RFC 4648 section 4, with padding), used by the JSON serializer's binary
 * convention. Own code because `atob`/`btoa` work on binary strings and `Buffer` is Node-only.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/**
 * Large inputs: the 4 output characters of each 3-byte group go into a byte array read back
 * through TextDecoder (one native call), several times faster than string concatenation
 * (bench/serializers.bench.ts, bin64k over json).
 */
const CODES = new Uint8Array(64);
for (let i = 0; i < 64; i++) CODES[i] = ALPHABET.charCodeAt(i);
const latin1 = new TextDecoder('latin1');

export function encodeBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n < 64) return encodeSmall(bytes);
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = CODES[v >> 18]!;
    out[o++] = CODES[(v >> 12) & 63]!;
    out[o++] = CODES[(v >> 6) & 63]!;
    out[o++] = CODES[v & 63]!;
  }
  const tail = n - i;
  const head = latin1.decode(out.subarray(0, o));
  return tail === 0 ? head : head + encodeSmall(bytes.subarray(i));
}

function encodeSmall(bytes: Uint8Array): string {
  const n = bytes.length;
  let out = '';
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
  }
  if (i < n) {
    const b1 = i + 1 < n ? bytes[i + 1]! : 0;
    const v = (bytes[i]! << 16) | (b1 << 8);
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]!;
    out += i + 1 < n ? `${ALPHABET[(v >> 6) & 63]!}=` : '==';
  }
  return out;
}

const BASE64_SYNTAX = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes padded or unpadded base64; returns undefined for any other input. */
export function decodeBase64(text: string, start = 0): Uint8Array | undefined {
  if (text.length - start >= 256) return decodeLarge(start === 0 ? text : text.slice(start));
  let end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 61) end--;
  if (end > start && text.charCodeAt(end - 1) === 61) end--;
  const len = end - start;
  if (len % 4 === 1) return undefined;
  if (text.length - start !== len && (text.length - start) % 4 !== 0) return undefined;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const d = c < 128 ? DECODE[c]! : -1;
    if (d < 0) return undefined;
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // RFC 4648 section 3.5: non-zero pad bits are not canonical; reject them.
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

function decodeLarge(text: string): Uint8Array | undefined {
  // atob also skips ASCII whitespace and accepts non-zero pad bits: check the syntax first.
  if (!BASE64_SYNTAX.test(text) || text.length % 4 === 1) return undefined;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
