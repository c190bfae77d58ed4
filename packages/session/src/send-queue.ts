/**
 * The outgoing byte queue between a session's serializer and its transport (DESIGN.md principle
 * 7). Serialized messages go straight to the transport while it takes them; once its `send()`
 * returns false (its own buffer is above its high-water mark) they wait here, in order, until its
 * `ondrain`. `bytes` is what SessionOptions.maxSendQueueBytes bounds: the session stops admitting
 * calls and publications while it is at the limit (send-gate.ts).
 */
import { utf8Length } from '@wampkit/serializers';

/** Bytes a message occupies on the wire: its length, or its UTF-8 length for text. */
export function wireLength(data: Uint8Array | string): number {
  return typeof data === 'string' ? utf8Length(data) : data.length;
}

export class SendQueue {
  /** Sent slots before `head` are cleared so their memory can go at once. */
  private items: (Uint8Array | string | undefined)[] = [];
  private sizes: number[] = [];
  private head = 0;
  private queued = 0;
  private blocked = false;

  /** `write` hands one message to the transport; `false` means "full, wait for drain". */
  constructor(private readonly write: (data: Uint8Array | string) => unknown) {}

  /** Bytes waiting for the transport. */
  get bytes(): number {
    return this.queued;
  }

  /** Messages waiting for the transport. */
  get length(): number {
    return this.items.length - this.head;
  }

  push(data: Uint8Array | string): void {
    if (!this.blocked && this.length === 0) {
      this.blocked = this.write(data) === false;
      return;
    }
    const size = wireLength(data);
    this.items.push(data);
    this.sizes.push(size);
    this.queued += size;
  }

  /** The transport drained: hands it waiting messages until it reports full again. */
  drain(): void {
    this.blocked = false;
    this.pump(false);
  }

  /** Hands every waiting message to the transport whatever its fill level (before closing, so a
   * final GOODBYE is not lost; the memory was already bounded here). */
  flushAll(): void {
    this.pump(true);
  }

  /** Drops everything (the transport is gone). */
  clear(): void {
    this.items = [];
    this.sizes = [];
    this.head = 0;
    this.queued = 0;
  }

  private pump(force: boolean): void {
    while (this.head < this.items.length && (force || !this.blocked)) {
      const data = this.items[this.head] as Uint8Array | string;
      this.items[this.head] = undefined;
      this.queued -= this.sizes[this.head] as number;
      this.head++;
      this.blocked = this.write(data) === false;
    }
    if (this.head === this.items.length) this.clear();
    else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      // Forget the sent prefix now and then instead of shifting on every message.
      this.items = this.items.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }
}
