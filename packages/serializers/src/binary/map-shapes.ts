/**
 * Keeps decoded dicts with many keys in V8's fast object representation.
 *
 * The decoders build each dict with keyed stores (`obj[key] = value`). When such a store has to
 * create a new hidden-class transition and the object already has 16 properties (V8 allows 12
 * beyond the 4 in-object ones for keyed stores), V8 turns the object into a dictionary. A
 * dictionary object of 23 keys costs ~1.1 µs to build instead of ~0.35 µs, and is slower to
 * read and to enumerate (Object.keys sorts it) for whoever uses it. Transitions created by
 * Object.defineProperty have a limit of 128, and keyed stores follow any transition that already
 * exists. So when a big dict's key sequence repeats, its transitions are built once here, on a
 * template object kept in a small table (which keeps those transitions alive); from then on that
 * dict decodes into a fast object. Only the speed depends on this table: the decoded values are
 * the same with or without it, and a hash collision just leaves a dict in dictionary mode.
 *
 * Bounded: 64 slots, templates of at most MAX_KEYS keys. Hostile input cannot make it cost much:
 * a template is built only for a shape hash seen in two big dicts in a row at its slot, and on
 * average at most once every SEED_EVERY big dicts decoded (BURST at once). Measured with 23-key
 * dicts whose key order changes every 2 dicts (the most templates input can cause): +3-5 %
 * decoding time, within noise (one template per 16 big dicts cost +18 %).
 */

/** Dicts with more keys than this may turn into dictionaries (4 in-object + 12). */
export const FAST_KEYS = 16;
/** Beyond about 128 properties V8 uses a dictionary whatever the transitions. */
const MAX_KEYS = 128;
const SLOTS = 64;
const SEED_EVERY = 256;
/** Templates that may be built back to back (startup: an application's first big dicts). */
const BURST = 8;

const seenHash = new Int32Array(SLOTS);
const seededHash = new Int32Array(SLOTS);
const templates: (object | undefined)[] = new Array(SLOTS).fill(undefined);
/** One credit per big dict decoded; a template costs SEED_EVERY. */
let credit = BURST * SEED_EVERY;

/** Hash of a dict's key sequence: fold each key's hash in, starting from the key count. */
export function shapeStep(h: number, keyHash: number): number {
  return Math.imul(h ^ keyHash, 0x01000193);
}

/**
 * Called after decoding a dict with more than FAST_KEYS keys whose key sequence hashes to
 * `hash`: builds that sequence's transitions once the shape repeats (see above).
 */
export function noteBigMap(obj: Record<string, unknown>, hash: number): void {
  if (credit < BURST * SEED_EVERY) credit++;
  const slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
  if (templates[slot] !== undefined && seededHash[slot] === hash) return;
  if (seenHash[slot] !== hash) {
    seenHash[slot] = hash;
    return;
  }
  if (credit < SEED_EVERY) return;
  const keys = Object.keys(obj);
  if (keys.length > MAX_KEYS) return;
  credit -= SEED_EVERY;
  const template = {};
  for (const key of keys) {
    Object.defineProperty(template, key, {
      value: null,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  templates[slot] = template;
  seededHash[slot] = hash;
}
