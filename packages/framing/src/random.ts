/**
 * Random bytes for masking keys (RFC 6455 §5.3 requires an unpredictable key per frame) and
 * handshake nonces. Keys come from a pool refilled with one getRandomValues call per 8 KiB,
 * because a call per frame costs more than the frame itself for small messages.
 */
const POOL_SIZE = 8192;
let pool = new Uint8Array(0);
let offset = POOL_SIZE;

/**
 * Fills `key` (4 bytes) with a fresh masking key from the pool, without the view object
 * randomBytes(4) allocates for every frame.
 */
export function fillMaskKey(key: Uint8Array): void {
  if (offset + 4 > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    offset = 0;
  }
  key[0] = pool[offset]!;
  key[1] = pool[offset + 1]!;
  key[2] = pool[offset + 2]!;
  key[3] = pool[offset + 3]!;
  offset += 4;
}

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
