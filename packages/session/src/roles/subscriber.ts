/**
 * The Subscriber role: SUBSCRIBE/UNSUBSCRIBE and EVENT delivery (spec wamp.md "Subscribing and
 * Unsubscribing", "Publishing and Events"), with pattern-based subscriptions, publisher
 * identification, retained events and subscription revocation (wamp-ap.md "Pattern-based
 * Subscription", "Publisher Identification", "Event Retention", "Subscription Revocation").
 * Several local handles share one router subscription (the broker answers the same topic and
 * match policy with the same id); UNSUBSCRIBE is sent when the last handle goes. Each handle
 * delivers to its callback or its bounded event buffer (subscription.ts).
 */
import { type Dict, type EventMessage, ProtocolViolationError } from '@wampkit/serializers';
import { CanceledError, type SessionClosedError } from '../errors.js';
import { RecentIds } from '../recent-ids.js';
import type { SessionCore } from '../session-core.js';
import { type EventHandler, Subscription, type SubscriptionOwner } from '../subscription.js';
import type { Event, MatchPolicy, SubscribeOptions } from '../types.js';
import { revocationOf, subscribeOptions } from '../wire.js';

interface SubscriptionEntry {
  id: number;
  topic: string;
  match: MatchPolicy;
  handles: Set<Subscription<never, never>>;
  /** `handles` as an array for EVENT delivery, copied on change (no copy per EVENT). */
  delivery: Subscription<never, never>[];
  /** UNSUBSCRIBE sent; waiting for UNSUBSCRIBED. */
  removing: boolean;
}

export class Subscriber {
  private readonly subscriptions = new Map<number, SubscriptionEntry>();
  /** Recently removed: an EVENT that raced the UNSUBSCRIBE is dropped. */
  private readonly pastSubscriptions = new RecentIds(4096);

  constructor(
    private readonly core: SessionCore,
    /** The handles' owner (the public Session). */
    private readonly owner: SubscriptionOwner,
  ) {
    core.onClose((error, info) => this.close(info.clean ? undefined : error));
  }

  subscribe<A extends unknown[], K extends Dict>(
    topic: string,
    handler: EventHandler<A, K> | undefined,
    options: SubscribeOptions,
  ): Promise<Subscription<A, K>> {
    if (options.signal?.aborted) {
      return Promise.reject(
        new CanceledError('subscribe aborted', { cause: options.signal.reason }),
      );
    }
    const match = options.match ?? 'exact';
    const o = subscribeOptions(options, match);
    return this.core.request(
      'subscribe',
      (request) => ({ type: 'SUBSCRIBE', request, options: o, topic }),
      (reply) => {
        // Runs synchronously on SUBSCRIBED: a retained EVENT may follow in the same read.
        const id = (reply as { subscription: number }).subscription;
        let entry = this.subscriptions.get(id);
        if (!entry) {
          entry = { id, topic, match, handles: new Set(), delivery: [], removing: false };
          this.subscriptions.set(id, entry);
          this.pastSubscriptions.delete(id);
        }
        const sub = new Subscription<A, K>(this.owner, id, topic, match, handler, options);
        entry.handles.add(sub as unknown as Subscription<never, never>);
        entry.delivery = [...entry.handles];
        if (options.signal) {
          const signal = options.signal;
          const onAbort = () => void sub.unsubscribe().catch(() => {});
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
        }
        return sub;
      },
    );
  }

  /** A handle unsubscribes; the last one of a router subscription sends UNSUBSCRIBE. */
  unsubscribe(sub: Subscription<never, never>): Promise<void> {
    const entry = this.subscriptions.get(sub.id);
    sub.stop();
    if (!entry || !entry.handles.delete(sub)) return Promise.resolve();
    entry.delivery = [...entry.handles];
    if (entry.handles.size > 0 || entry.removing) return Promise.resolve();
    if (this.core.state !== 'established') return Promise.resolve();
    entry.removing = true;
    return this.core.release(
      'unsubscribe',
      (request) => ({ type: 'UNSUBSCRIBE', request, subscription: sub.id }),
      () => this.forget(entry),
      'wamp.error.no_such_subscription',
    );
  }

  onEvent(msg: EventMessage): void {
    const entry = this.subscriptions.get(msg.subscription);
    if (!entry) {
      if (this.pastSubscriptions.has(msg.subscription)) return; // raced an UNSUBSCRIBE
      throw new ProtocolViolationError(
        `received EVENT for unknown subscription ${msg.subscription}`,
      );
    }
    const d = msg.details;
    // One literal with every field (one hidden class for all events; absent args are [], absent
    // kwargs {}): spreading a payload object and adding fields later cost several times more.
    const event: Event<never, never> = {
      args: (msg.args ?? []) as never,
      kwargs: (msg.kwargs ?? {}) as never,
      payload: msg.payload,
      topic: typeof d.topic === 'string' ? d.topic : entry.topic,
      publication: msg.publication,
      subscription: msg.subscription,
      publisher: typeof d.publisher === 'number' ? d.publisher : undefined,
      publisherAuthid: typeof d.publisher_authid === 'string' ? d.publisher_authid : undefined,
      publisherAuthrole:
        typeof d.publisher_authrole === 'string' ? d.publisher_authrole : undefined,
      retained: d.retained === true,
      details: d,
    };
    // `delivery` is replaced, never changed: a handle added by a handler gets only later events.
    const delivery = entry.delivery;
    for (let i = 0; i < delivery.length; i++)
      (delivery[i] as Subscription<never, never>).deliver(event);
  }

  /** UNSUBSCRIBED with request 0: the router revoked a subscription. */
  onRevoked(details: Dict): void {
    const { id, info } = revocationOf('UNSUBSCRIBED', details, 'subscription');
    const entry = this.subscriptions.get(id);
    if (!entry) {
      if (this.pastSubscriptions.has(id)) return;
      throw new ProtocolViolationError(`received revocation of unknown subscription ${id}`);
    }
    this.subscriptions.delete(id);
    this.pastSubscriptions.add(id);
    for (const h of entry.handles) h.revoke(info);
  }

  private forget(entry: SubscriptionEntry): void {
    if (this.subscriptions.get(entry.id) === entry && entry.handles.size === 0) {
      this.subscriptions.delete(entry.id);
      this.pastSubscriptions.add(entry.id);
    } else if (entry.handles.size > 0) {
      entry.removing = false;
    }
  }

  /** The session ended: iterators end cleanly on a clean close and fail otherwise. */
  private close(iteratorError: SessionClosedError | undefined): void {
    for (const entry of this.subscriptions.values()) {
      for (const h of entry.handles) h.stop(iteratorError);
    }
    this.subscriptions.clear();
  }
}
