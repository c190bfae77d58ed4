/**
 * Random bytes for masking keys (RFC 6455 §5.3 requires an unpredictable key per frame) and
 * handshake nonces. Keys come from a pool refilled with one getRandomValues call per 8 KiB,
 * because a call per frame costs more than the frame itself for small messages.
 */
const POOL_SIZE = 8192;
let pool = new Uint8Array(0);
let offset = POOL_SIZE;

export function randomBytes(n: number): Uint8Array {
  if (n > POOL_SIZE) return crypto.getRandomValues(new Uint8Array(n));
  if (offset + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}
