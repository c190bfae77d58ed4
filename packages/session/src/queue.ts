/**
 * A bounded single-consumer async queue behind the async iterators (events, progressive results,
 * progressive invocation chunks). The producer never waits (a WAMP peer cannot be slowed down);
 * when the buffer is full, the overflow policy decides.
 */
import { LimitExceededError } from './errors.js';

/** What to do when a producer pushes into a full buffer. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

/** A bounded single-consumer async queue, read as an async iterator; an overflow policy decides what a full buffer does. */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null =
    null;
  private ended = false;
  private failure: unknown = undefined;
  private failed = false;
  /** Items dropped because the buffer was full. */
  dropped = 0;

  constructor(
    private readonly capacity: number,
    private readonly overflow: OverflowPolicy,
    /** Called once when the consumer stops early (break / return()). */
    private readonly onReturn?: () => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  get done(): boolean {
    return this.ended || this.failed;
  }

  /** Adds an item; false when it was not accepted (queue closed, or dropped by policy). */
  push(item: T): boolean {
    if (this.ended || this.failed) return false;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve({ value: item, done: false });
      return true;
    }
    if (this.items.length >= this.capacity) {
      if (this.overflow === 'drop-newest') {
        this.dropped++;
        return false;
      }
      if (this.overflow === 'drop-oldest') {
        this.items.shift();
        this.dropped++;
      } else {
        this.fail(
          new LimitExceededError(
            `buffer of ${this.capacity} items overflowed: the consumer is too slow`,
            this.capacity,
          ),
        );
        return false;
      }
    }
    this.items.push(item);
    return true;
  }

  /** Ends the iteration after the buffered items. */
  end(): void {
    if (this.ended || this.failed) return;
    this.ended = true;
    if (this.waiter && this.items.length === 0) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve({ value: undefined, done: true });
    }
  }

  /** Ends the iteration with an error, after the buffered items. */
  fail(error: unknown): void {
    if (this.ended || this.failed) return;
    this.failed = true;
    this.failure = error;
    if (this.waiter && this.items.length === 0) {
      const w = this.waiter;
      this.waiter = null;
      w.reject(error);
    }
  }

  /** The next item, waiting for one if the queue is empty; done once the queue ended and is drained. */
  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      return Promise.resolve({ value: this.items.shift() as T, done: false });
    }
    if (this.failed) {
      // Deliver the failure once, then behave as ended.
      const error = this.failure;
      this.failure = undefined;
      this.ended = true;
      return error === undefined
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(error);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (this.waiter) return Promise.reject(new Error('concurrent next() calls on one iterator'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Ends the iteration early (the consumer left its loop): buffered items are dropped. */
  return(): Promise<IteratorResult<T>> {
    const wasOpen = !this.ended && !this.failed;
    this.items.length = 0;
    this.ended = true;
    this.failed = false;
    this.failure = undefined;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve({ value: undefined, done: true });
    }
    if (wasOpen) this.onReturn?.();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** The queue itself: it is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }
}
