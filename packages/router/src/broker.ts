/**
 * The broker (spec basic "Publish and Subscribe"; advanced "Pattern-based Subscription",
 * "Subscriber Black- and Whitelisting", "Publisher Exclusion", "Publisher Identification",
 * "Event Retention", "Subscription Revocation", "Payload Passthru Mode").
 */
import {
  type AppPayload,
  type Dict,
  type EventMessage,
  MessageCode,
  ProtocolViolationError,
  type PublishMessage,
  type SerializerId,
  type SubscribeMessage,
  type UnsubscribeMessage,
} from '@wampkit/serializers';
import { randomId, type SequentialIds } from './ids.js';
import { copyPassthru, isoNow, isReservedUri, matchOf, usesPassthru } from './options.js';
import type { Realm } from './realm.js';
import type { Subscription } from './records.js';
import type { RouterSession } from './session.js';
import { type MatchPolicy, UriIndex, uriMatches } from './uri-match.js';

/** Who published, as far as the eligibility rules and disclosure need it. */
interface Publisher {
  readonly session: number;
  readonly authid: string;
  readonly authrole: string;
}

interface RetainedEvent {
  readonly topic: string;
  readonly publication: number;
  readonly publisher: Publisher | null;
  readonly options: Dict;
  readonly payload: AppPayload;
}

function idList(v: unknown): Set<unknown> | null {
  return Array.isArray(v) ? new Set(v) : null;
}

/** The receivers rule of spec advanced "Subscriber Black- and Whitelisting" plus exclude_me. */
class Eligibility {
  private readonly excludeMe: number | null;
  private readonly exclude: Set<unknown> | null;
  private readonly excludeAuthid: Set<unknown> | null;
  private readonly excludeAuthrole: Set<unknown> | null;
  private readonly eligible: Set<unknown> | null;
  private readonly eligibleAuthid: Set<unknown> | null;
  private readonly eligibleAuthrole: Set<unknown> | null;

  constructor(options: Dict, publisher: Publisher | null) {
    this.excludeMe = publisher !== null && options.exclude_me !== false ? publisher.session : null;
    this.exclude = idList(options.exclude);
    this.excludeAuthid = idList(options.exclude_authid);
    this.excludeAuthrole = idList(options.exclude_authrole);
    this.eligible = idList(options.eligible);
    this.eligibleAuthid = idList(options.eligible_authid);
    this.eligibleAuthrole = idList(options.eligible_authrole);
  }

  accepts(s: RouterSession): boolean {
    if (s.id === this.excludeMe) return false;
    if (this.eligible !== null && !this.eligible.has(s.id)) return false;
    if (this.eligibleAuthid !== null && !this.eligibleAuthid.has(s.authid)) return false;
    if (this.eligibleAuthrole !== null && !this.eligibleAuthrole.has(s.authrole)) return false;
    if (this.exclude?.has(s.id)) return false;
    if (this.excludeAuthid?.has(s.authid)) return false;
    if (this.excludeAuthrole?.has(s.authrole)) return false;
    return true;
  }
}

function withPayload<T extends object>(msg: T, p: AppPayload): T & AppPayload {
  const out = msg as T & AppPayload;
  if (p.payload !== undefined) out.payload = p.payload;
  if (p.args !== undefined) out.args = p.args;
  if (p.kwargs !== undefined) out.kwargs = p.kwargs;
  return out;
}

export class Broker {
  private readonly index = new UriIndex<Subscription>();
  private readonly byId = new Map<number, Subscription>();
  /** Retained event per topic, oldest first (Map insertion order) for eviction. */
  private readonly retained = new Map<string, RetainedEvent>();

  constructor(
    private readonly realm: Realm,
    private readonly ids: SequentialIds,
    private readonly maxRetained: number,
  ) {}

  // ---- SUBSCRIBE / UNSUBSCRIBE -----------------------------------------------------------

  subscribe(session: RouterSession, msg: SubscribeMessage): void {
    const match = matchOf(msg.options);
    let sub = this.index.get(msg.topic, match);
    let created = false;
    if (sub === undefined) {
      sub = {
        id: this.ids.next(),
        uri: msg.topic,
        match,
        created: isoNow(),
        subscribers: new Set(),
      };
      this.index.add(sub);
      this.byId.set(sub.id, sub);
      created = true;
    }
    const added = !sub.subscribers.has(session);
    sub.subscribers.add(session);
    session.subscriptions.add(sub);
    if (!session.send({ type: 'SUBSCRIBED', request: msg.request, subscription: sub.id })) return;
    if (created) this.realm.meta.subscriptionCreated(session, sub);
    if (added) this.realm.meta.subscribed(session, sub);
    if (msg.options.get_retained === true) this.sendRetained(session, sub);
  }

  unsubscribe(session: RouterSession, msg: UnsubscribeMessage): void {
    const sub = this.byId.get(msg.subscription);
    if (sub === undefined || !sub.subscribers.has(session)) {
      session.send({
        type: 'ERROR',
        requestType: MessageCode.UNSUBSCRIBE,
        request: msg.request,
        details: {},
        error: 'wamp.error.no_such_subscription',
      });
      return;
    }
    session.send({ type: 'UNSUBSCRIBED', request: msg.request });
    this.detachSubscriber(session, sub);
  }

  /** Removes a subscriber from a subscription, deleting the subscription when it was the last. */
  private detachSubscriber(session: RouterSession, sub: Subscription): void {
    sub.subscribers.delete(session);
    session.subscriptions.delete(sub);
    this.realm.meta.unsubscribed(session, sub);
    if (sub.subscribers.size === 0) {
      this.index.delete(sub);
      this.byId.delete(sub.id);
      this.realm.meta.subscriptionDeleted(session, sub);
    }
  }

  /** The session left the realm. */
  removeSession(session: RouterSession): void {
    for (const sub of [...session.subscriptions]) this.detachSubscriber(session, sub);
  }

  /**
   * Subscription revocation (spec advanced "Subscription Revocation"): removes `subscriber` (or
   * every subscriber) from a subscription, telling those that announced the feature with
   * `UNSUBSCRIBED [0, {subscription, reason}]`. Returns the number of sessions removed.
   */
  revoke(subscriptionId: number, subscriber?: number, reason?: string): number {
    const sub = this.byId.get(subscriptionId);
    if (sub === undefined) return 0;
    let n = 0;
    for (const s of [...sub.subscribers]) {
      if (subscriber !== undefined && s.id !== subscriber) continue;
      if (s.features.has('subscriber', 'subscription_revocation')) {
        const details: Dict = { subscription: sub.id };
        if (reason !== undefined) details.reason = reason;
        s.send({ type: 'UNSUBSCRIBED', request: 0, details });
      }
      this.detachSubscriber(s, sub);
      n++;
    }
    return n;
  }

  // ---- PUBLISH ---------------------------------------------------------------------------

  publish(session: RouterSession, msg: PublishMessage): void {
    const options = msg.options;
    if (usesPassthru(options) && !session.features.has('publisher', 'payload_passthru_mode')) {
      throw new ProtocolViolationError(
        'PUBLISH uses Payload PassThru Mode, which the publisher did not announce',
      );
    }
    const acknowledge = options.acknowledge === true;
    if (isReservedUri(msg.topic)) {
      if (acknowledge) {
        session.send({
          type: 'ERROR',
          requestType: MessageCode.PUBLISH,
          request: msg.request,
          details: {},
          error: 'wamp.error.invalid_uri',
          args: [`topic ${msg.topic} is reserved for the router (wamp.*)`],
        });
      }
      return;
    }
    const publication = randomId();
    const publisher: Publisher = {
      session: session.id,
      authid: session.authid,
      authrole: session.authrole,
    };
    this.dispatch(msg.topic, publication, publisher, options, msg);
    if (options.retain === true)
      this.retain({ topic: msg.topic, publication, publisher, options, payload: msg });
    if (acknowledge) session.send({ type: 'PUBLISHED', request: msg.request, publication });
  }

  /** Publishes a router-originated event (meta-events). */
  publishInternal(topic: string, args: unknown[]): void {
    this.dispatch(topic, randomId(), null, {}, { args });
  }

  /** Whether any subscription matches `topic` (saves building meta-events nobody receives). */
  hasSubscribers(topic: string): boolean {
    return this.index.matching(topic).length > 0;
  }

  private dispatch(
    topic: string,
    publication: number,
    publisher: Publisher | null,
    options: Dict,
    payload: AppPayload,
  ): void {
    const subs = this.index.matching(topic);
    if (subs.length === 0) return;
    const eligibility = new Eligibility(options, publisher);
    for (const sub of subs) {
      const event = this.event(sub.id, sub.match, topic, publication, publisher, options, payload);
      const cache = new Map<SerializerId, string | Uint8Array | null>();
      for (const s of sub.subscribers) {
        if (s.isOpen && eligibility.accepts(s)) s.sendShared(event, cache);
      }
    }
  }

  private event(
    subscription: number,
    match: MatchPolicy,
    topic: string,
    publication: number,
    publisher: Publisher | null,
    options: Dict,
    payload: AppPayload,
  ): EventMessage {
    const details: Dict = {};
    if (publisher !== null && options.disclose_me === true) {
      details.publisher = publisher.session;
      details.publisher_authid = publisher.authid;
      details.publisher_authrole = publisher.authrole;
    }
    if (match !== 'exact') details.topic = topic;
    copyPassthru(options, details);
    return withPayload({ type: 'EVENT', subscription, publication, details }, payload);
  }

  // ---- Event Retention -------------------------------------------------------------------

  private retain(ev: RetainedEvent): void {
    this.retained.delete(ev.topic);
    this.retained.set(ev.topic, {
      ...ev,
      payload: { args: ev.payload.args, kwargs: ev.payload.kwargs, payload: ev.payload.payload },
    });
    if (this.retained.size > this.maxRetained) {
      const oldest = this.retained.keys().next().value;
      if (oldest !== undefined) this.retained.delete(oldest);
    }
  }

  /** get_retained: the retained events of every topic the subscription matches. */
  private sendRetained(session: RouterSession, sub: Subscription): void {
    const events =
      sub.match === 'exact'
        ? [this.retained.get(sub.uri)].filter((e) => e !== undefined)
        : [...this.retained.values()].filter((e) => uriMatches(sub.uri, sub.match, e.topic));
    for (const ev of events) {
      if (!new Eligibility(ev.options, ev.publisher).accepts(session)) continue;
      const event = this.event(
        sub.id,
        sub.match,
        ev.topic,
        ev.publication,
        ev.publisher,
        ev.options,
        ev.payload,
      );
      event.details.retained = true;
      if (!session.send(event)) return;
    }
  }

  // ---- meta-API queries ------------------------------------------------------------------

  get(id: number): Subscription | undefined {
    return this.byId.get(id);
  }

  list(): { exact: number[]; prefix: number[]; wildcard: number[] } {
    return this.index.list((s) => s.id);
  }

  lookup(topic: string, match: MatchPolicy): Subscription | undefined {
    return this.index.get(topic, match);
  }

  matching(topic: string): Subscription[] {
    return this.index.matching(topic);
  }
}
