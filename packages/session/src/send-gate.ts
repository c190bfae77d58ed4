/**
 * Send-side backpressure for calls and publications (DESIGN.md principle 7, "send queue limits
 * with backpressure"). While the link's outgoing queue is full, a new CALL or PUBLISH waits here
 * instead of growing it (or fails with LimitExceededError under `sendQueueOverflow: 'error'`).
 * Entries leave strictly in order when the link drains, so calls and publications reach the
 * router in the order they were made (spec wamp.md "Ordering Guarantees"): an entry that never
 * waits for room (a chunk of a progressive call) still queues behind earlier waiting ones.
 */
import { LimitExceededError } from './errors.js';

/** What to do when the send queue is full (see SessionOptions.sendQueueOverflow). */
export type SendQueueOverflow = 'wait' | 'error';

/** One message that has to go out in order. */
export interface GatedSend {
  /** What the message belongs to (a call, a publication): `withdraw` removes its entries. */
  readonly owner: object;
  /** true: held back while the queue is full; false: only kept behind earlier entries. */
  readonly needsRoom: boolean;
  /** Sends the message. Run at once by `submit` it may throw to the submitter; run later, a
   * throw goes to `fail`. */
  send(): void;
  /** Sending it later (on drain) threw. */
  fail(error: Error): void;
}

export class SendGate {
  private waiting: GatedSend[] = [];

  constructor(
    /** Bytes waiting in the link (0 for links without backpressure). */
    private readonly queuedBytes: () => number,
    /** Gated entries wait while `queuedBytes()` is at least this much. */
    private readonly limit: number,
    private readonly overflow: SendQueueOverflow,
    /** Entries that may wait at once. */
    private readonly capacity: number,
  ) {}

  /** Entries waiting. */
  get size(): number {
    return this.waiting.length;
  }

  /** Whether `submit` would send an entry at once: nothing waits (and there is room, when the
   * entry needs it). The caller may then send directly, without building an entry. */
  sendsNow(needsRoom: boolean): boolean {
    return this.waiting.length === 0 && (!needsRoom || this.hasRoom());
  }

  /** Sends now when nothing waits and there is room; otherwise waits (or throws, see overflow). */
  submit(entry: GatedSend): void {
    if (this.waiting.length === 0 && (!entry.needsRoom || this.hasRoom())) {
      entry.send();
      return;
    }
    if (entry.needsRoom && this.overflow === 'error') {
      throw new LimitExceededError(
        `the send queue holds ${this.queuedBytes()} bytes (maxSendQueueBytes ${this.limit})`,
        this.limit,
      );
    }
    if (this.waiting.length >= this.capacity) {
      throw new LimitExceededError(
        `${this.capacity} messages already wait for room in the send queue`,
        this.capacity,
      );
    }
    this.waiting.push(entry);
  }

  /** Removes the waiting entries of `owner`; true when there were any. */
  withdraw(owner: object): boolean {
    const before = this.waiting.length;
    this.waiting = this.waiting.filter((e) => e.owner !== owner);
    if (this.waiting.length === before) return false;
    this.release();
    return true;
  }

  /** The link drained: sends waiting entries, in order, while there is room. */
  release(): void {
    while (this.waiting.length > 0) {
      const head = this.waiting[0] as GatedSend;
      if (head.needsRoom && !this.hasRoom()) return;
      this.waiting.shift();
      try {
        head.send();
      } catch (e) {
        head.fail(e as Error);
      }
    }
  }

  /** Drops every waiting entry (the session is ending; their owners fail through the session). */
  clear(): void {
    this.waiting = [];
  }

  /** An empty queue always has room, so one message larger than the limit still goes out. */
  private hasRoom(): boolean {
    const bytes = this.queuedBytes();
    return bytes === 0 || bytes < this.limit;
  }
}
