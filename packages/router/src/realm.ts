/** A realm: its sessions, broker, dealer and meta-API (spec basic "Realms, Sessions and Transports"). */
import { Broker } from './broker.js';
import { Dealer } from './dealer.js';
import { SequentialIds } from './ids.js';
import { MetaApi } from './meta.js';
import type { RouterSession } from './session.js';

export interface RealmOptions {
  /** Most topics with a retained event (oldest evicted first). */
  readonly maxRetainedEvents: number;
}

/** A realm: its sessions, broker, dealer and meta-API (spec wamp.md "Realms, Sessions and Transports"). */
export class Realm {
  readonly sessions = new Map<number, RouterSession>();
  readonly broker: Broker;
  readonly dealer: Dealer;
  readonly meta: MetaApi;

  constructor(
    readonly name: string,
    options: RealmOptions,
  ) {
    const ids = new SequentialIds();
    this.broker = new Broker(this, ids, options.maxRetainedEvents);
    this.dealer = new Dealer(this, ids);
    this.meta = new MetaApi(this);
  }

  /** A session joined (after WELCOME). */
  attach(session: RouterSession): void {
    this.sessions.set(session.id, session);
    this.meta.sessionJoined(session);
  }

  /** A session left: its subscriptions, registrations and calls are disposed of. */
  detach(session: RouterSession): void {
    if (!this.sessions.delete(session.id)) return;
    this.broker.removeSession(session);
    this.dealer.removeSession(session);
    this.meta.sessionLeft(session);
  }

  /** Closes a session with GOODBYE (as `wamp.session.kill` does). Returns false if unknown. */
  killSession(id: number, reason = 'wamp.close.killed', message?: string): boolean {
    const s = this.sessions.get(id);
    if (s === undefined) return false;
    s.goodbye(reason, message);
    return true;
  }

  /** Revokes a registration for one callee or all (spec advanced "Registration Revocation"). */
  revokeRegistration(
    registration: number,
    options: { callee?: number; reason?: string } = {},
  ): number {
    return this.dealer.revoke(registration, options.callee, options.reason);
  }

  /** Revokes a subscription for one subscriber or all (spec advanced "Subscription Revocation"). */
  revokeSubscription(
    subscription: number,
    options: { subscriber?: number; reason?: string } = {},
  ): number {
    return this.broker.revoke(subscription, options.subscriber, options.reason);
  }
}
