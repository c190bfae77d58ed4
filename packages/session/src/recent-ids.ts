/**
 * A bounded memory of ids that were in use a moment ago: calls abandoned by a CANCEL, removed
 * subscriptions and registrations, answered progressive invocations. A late router message for
 * one of them is dropped instead of being treated as a protocol violation (spec wamp.md
 * "Protocol Errors": messages racing an UNSUBSCRIBE, UNREGISTER or CANCEL are legitimate).
 */
export class RecentIds {
  /** Created on the first `add`: most sessions never cancel a call or unsubscribe, and an empty
   * Set still costs ~170 bytes (a session has four of these; `pnpm bench scale`). */
  private ids: Set<number> | null = null;

  constructor(private readonly capacity: number) {}

  /** Remembers `id`, forgetting the oldest one when full. */
  add(id: number): void {
    if (this.ids === null) this.ids = new Set();
    const ids = this.ids;
    ids.delete(id);
    ids.add(id);
    if (ids.size > this.capacity) {
      const oldest = ids.values().next().value as number;
      ids.delete(oldest);
    }
  }

  has(id: number): boolean {
    return this.ids?.has(id) === true;
  }

  delete(id: number): void {
    this.ids?.delete(id);
  }
}
