/**
 * A Map for entries that come and go at a high rate (pending requests, running invocations):
 * every RENEW_EVERY insertions its entries move into a fresh Map.
 *
 * Why (measured with bench/wamp, Node 20 / V8 11.3): V8 grows and compacts a Map by copying it
 * into a new backing table, allocated in the old generation when the previous table was there,
 * and the previous table keeps its entries (and a link to the new table) until the next full
 * GC. Once one table has been promoted (a session idle across two scavenges, then busy, as in
 * any process with several sessions), every later table is old too, and through these dead
 * tables the entries of every request stay reachable for the young-generation GC: all the
 * garbage of every call was promoted (~3 MB per scavenge, 5-10x longer scavenges, a full GC
 * every ~0.5 s; the caller's CPU per call +30-50 %). A fresh Map starts with a young table,
 * which stays young while the traffic lasts; moving ~100 live entries once per 1024 insertions
 * costs nothing measurable.
 */
const RENEW_EVERY = 1024;

export class RenewingMap<K, V> {
  private map = new Map<K, V>();
  private inserts = 0;

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    if (++this.inserts >= RENEW_EVERY) {
      this.inserts = 0;
      this.map = new Map(this.map);
    }
    this.map.set(key, value);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  clear(): void {
    this.map = new Map();
    this.inserts = 0;
  }
}
