/**
 * WAMP IDs (spec basic/building_blocks.md "IDs"): integers in [1, 2^53]. Global-scope IDs
 * (sessions, publications) are drawn uniformly at random over the whole range; router-scope IDs
 * (subscriptions, registrations) may be chosen freely, here sequentially; session-scope request
 * IDs count up from 1 and wrap to 1 after 2^53.
 */

export const MAX_WAMP_ID = 2 ** 53;

/** Random words drawn 512 IDs at a time: one getRandomValues call per ID cost ~3 % of the
 * router's CPU in `pnpm bench router` (pubsub draws one per publication). */
const POOL_WORDS = 1024;
const words = new Uint32Array(POOL_WORDS);
let next = POOL_WORDS;

/** A global-scope ID, uniform over [1, 2^53]. */
export function randomId(): number {
  if (next === POOL_WORDS) {
    globalThis.crypto.getRandomValues(words);
    next = 0;
  }
  // 21 high bits and 32 low bits: uniform over [0, 2^53 - 1].
  const id = (words[next]! & 0x1fffff) * 0x1_0000_0000 + words[next + 1]! + 1;
  next += 2;
  return id;
}

/** The session-scope ID that follows `id` (wraps from 2^53 to 1). */
export function nextSessionScopeId(id: number): number {
  return id >= MAX_WAMP_ID ? 1 : id + 1;
}

/** Router-scope IDs: sequential, starting at 1. */
export class SequentialIds {
  private last = 0;

  next(): number {
    this.last = nextSessionScopeId(this.last);
    return this.last;
  }
}

/** A global-scope ID not currently in `taken`. */
export function uniqueRandomId(taken: { has(id: number): boolean }): number {
  let id = randomId();
  while (taken.has(id)) id = randomId();
  return id;
}
