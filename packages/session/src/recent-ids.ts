/**
 * A bounded memory of ids that were in use a moment ago: calls abandoned by a CANCEL, removed
 * subscriptions and registrations, answered progressive invocations. A late router message for
 * one of them is dropped instead of being treated as a protocol violation (spec wamp.md
 * "Protocol Errors": messages racing an UNSUBSCRIBE, UNREGISTER or CANCEL are legitimate).
 */
export class RecentIds {
  private readonly ids = new Set<number>();

  constructor(private readonly capacity: number) {}

  /** Remembers `id`, forgetting the oldest one when full. */
  add(id: number): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as number;
      this.ids.delete(oldest);
    }
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  delete(id: number): void {
    this.ids.delete(id);
  }
}
