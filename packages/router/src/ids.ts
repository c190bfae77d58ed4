/**
 * WAMP IDs (spec basic/building_blocks.md "IDs"): integers in [1, 2^53]. Global-scope IDs
 * (sessions, publications) are drawn uniformly at random over the whole range; router-scope IDs
 * (subscriptions, registrations) may be chosen freely, here sequentially; session-scope request
 * IDs count up from 1 and wrap to 1 after 2^53.
 */

export const MAX_WAMP_ID = 2 ** 53;

const words = new Uint32Array(2);

/** A global-scope ID, uniform over [1, 2^53]. */
export function randomId(): number {
  globalThis.crypto.getRandomValues(words);
  // 21 high bits and 32 low bits: uniform over [0, 2^53 - 1].
  return (words[0]! & 0x1fffff) * 0x1_0000_0000 + words[1]! + 1;
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
