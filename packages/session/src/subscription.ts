/**
 * A local subscription handle: events go to a callback, or into a bounded buffer read through
 * the async iterator. Several handles may share one router subscription (the broker returns the
 * same Subscription|id for the same topic and match policy).
 */
import type { Dict } from '@wampkit/serializers';
import { InvalidStateError } from './errors.js';
import { AsyncQueue } from './queue.js';
import type { Event, MatchPolicy, RevocationInfo, SubscribeOptions } from './types.js';

/** The session side of a subscription handle. */
export interface SubscriptionOwner {
  unsubscribeHandle(sub: Subscription<never, never>): Promise<void>;
  reportHandlerError(error: unknown, context: string): void;
}

/** A subscriber's handler, called with each Event. */
export type EventHandler<A extends unknown[] = unknown[], K extends Dict = Dict> = (
  event: Event<A, K>,
) => unknown;

/** A subscription of this session (spec wamp.md "Subscribing and Unsubscribing"); without a handler its events are read as an async iterator. */
export class Subscription<A extends unknown[] = unknown[], K extends Dict = Dict>
  implements AsyncIterable<Event<A, K>>, AsyncDisposable
{
  /** Router subscription id. */
  readonly id: number;
  readonly topic: string;
  readonly match: MatchPolicy;
  /** Set when the router revoked the subscription (wamp-ap.md "Subscription Revocation"). */
  revocation: RevocationInfo | undefined;
  private isActive = true;
  private readonly handler: EventHandler<A, K> | undefined;
  private readonly queue: AsyncQueue<Event<A, K>> | undefined;
  private iterated = false;
  private unsubscribing: Promise<void> | undefined;
  private readonly onRevoke: ((info: RevocationInfo) => void) | undefined;

  constructor(
    private readonly owner: SubscriptionOwner,
    id: number,
    topic: string,
    match: MatchPolicy,
    handler: EventHandler<A, K> | undefined,
    options: SubscribeOptions,
  ) {
    this.id = id;
    this.topic = topic;
    this.match = match;
    this.handler = handler;
    this.onRevoke = options.onRevoke;
    if (!handler) {
      this.queue = new AsyncQueue<Event<A, K>>(
        options.bufferSize ?? 1000,
        options.overflow ?? 'drop-oldest',
        () => {
          // Leaving a for-await loop early releases the subscription.
          void this.unsubscribe().catch(() => {});
        },
      );
    }
  }

  /** Still receiving events (not unsubscribed, revoked or closed with the session). */
  get active(): boolean {
    return this.isActive;
  }

  /** Events dropped because the iterator's buffer was full. */
  get dropped(): number {
    return this.queue?.dropped ?? 0;
  }

  /** @internal Delivers one EVENT. */
  deliver(event: Event<A, K>): void {
    if (!this.isActive) return;
    if (this.handler) {
      try {
        const out = this.handler(event);
        if (out instanceof Promise) {
          out.catch((e: unknown) =>
            this.owner.reportHandlerError(e, `event handler for ${this.topic}`),
          );
        }
      } catch (e) {
        this.owner.reportHandlerError(e, `event handler for ${this.topic}`);
      }
      return;
    }
    this.queue?.push(event);
  }

  /** Unsubscribes (UNSUBSCRIBE is sent when the last local handle of the router subscription goes). */
  unsubscribe(): Promise<void> {
    if (!this.isActive) return this.unsubscribing ?? Promise.resolve();
    this.unsubscribing = this.owner.unsubscribeHandle(
      this as unknown as Subscription<never, never>,
    );
    return this.unsubscribing;
  }

  /** @internal The handle stops: unsubscribed, revoked, or the session closed (with `error`). */
  stop(error?: Error): void {
    if (!this.isActive) return;
    this.isActive = false;
    if (error) this.queue?.fail(error);
    else this.queue?.end();
  }

  /** @internal The router revoked the subscription. */
  revoke(info: RevocationInfo): void {
    if (!this.isActive) return;
    this.revocation = info;
    this.stop();
    if (this.onRevoke) {
      try {
        this.onRevoke(info);
      } catch (e) {
        this.owner.reportHandlerError(e, `revocation handler for ${this.topic}`);
      }
    }
  }

  /** The events as an async iterator (buffered per SubscribeOptions.bufferSize and overflow). */
  [Symbol.asyncIterator](): AsyncIterator<Event<A, K>> {
    if (!this.queue) {
      throw new InvalidStateError(
        'this subscription delivers events to its handler, not an iterator',
      );
    }
    if (this.iterated) throw new InvalidStateError('a subscription can be iterated only once');
    this.iterated = true;
    return this.queue;
  }

  /** Unsubscribes (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.unsubscribe().catch(() => {});
  }
}
