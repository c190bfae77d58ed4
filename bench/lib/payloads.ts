/** Benchmark payloads: pseudo-random bytes and WAMP-like JSON text of an exact byte size. */

/** Deterministic pseudo-random bytes (xorshift32): incompressible, like encrypted or media data. */
export function randomPayload(size: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A WAMP EVENT in JSON ([36, subscription, publication, details, args, kwargs]) padded to
 * exactly `size` bytes (ASCII, so bytes = characters). Keys repeat and values vary, as in real
 * application payloads, so DEFLATE finds typical (not degenerate) redundancy.
 */
export function wampJson(size: number): string {
  if (size < 48) return size >= 4 ? `["${'w'.repeat(size - 4)}"]` : ' '.repeat(size);
  const entries: string[] = [];
  // Fixed part: [36,5512315355,4429313566,{"p":""},[],{}] is 41 bytes.
  let length = 41;
  for (let i = 0; ; i++) {
    const entry = `"sensor_${i % 97}":{"id":${(i * 7919) % 100003},"temp":${((i * 37) % 400) / 10},"ok":${i % 3 !== 0}}`;
    const add = entry.length + (entries.length > 0 ? 1 : 0);
    if (length + add > size) break;
    entries.push(entry);
    length += add;
  }
  const pad = 'x'.repeat(size - length);
  const text = `[36,5512315355,4429313566,{"p":"${pad}"},[],{${entries.join(',')}}]`;
  if (text.length !== size) throw new Error(`wampJson(${size}) produced ${text.length} bytes`);
  return text;
}
