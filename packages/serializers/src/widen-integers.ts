/**
 * @msgpack/msgpack (with useBigInt64) and cbor-x write JavaScript integers outside the 32-bit
 * range as float64. WAMP IDs reach 2^53 and peers (Autobahn|Python) reject a float ID, so
 * integers in [2^32, 2^53] (and [-2^53, -2^31)) are turned into bigint before encoding, which both
 * libraries write as 64-bit integers: the same bytes Autobahn|Python produces. Containers are
 * copied only along paths that change; the input is never mutated.
 */
const HI = 2 ** 32;
const LO = -(2 ** 31);
const MAX = 2 ** 53;

function widen(v: unknown): unknown {
  if (typeof v === 'number') {
    return (v >= HI || v < LO) && v <= MAX && v >= -MAX && Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      const w = widen(e);
      if (w !== e) {
        out ??= v.slice();
        out[i] = w;
      }
    }
    return out ?? v;
  }
  const obj = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k in obj) {
    const e = obj[k];
    const w = widen(e);
    if (w !== e) {
      out ??= { ...obj };
      out[k] = w;
    }
  }
  return out ?? v;
}

export function widenIntegers(value: unknown): unknown {
  return widen(value);
}
