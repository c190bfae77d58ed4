/**
 * The WAMP meta-APIs (spec advanced "Session Meta API", "Registration Meta API", "Subscriptions
 * Meta API"): meta-events published by the router into the realm, and meta-procedures answered
 * by the router itself. Also `wamp.registration.remove_callee` and
 * `wamp.subscription.remove_subscriber` (as in Crossbar.io) to revoke registrations and
 * subscriptions.
 */
import { type Dict, isValidUri } from '@wampkit/serializers';
import type { MetaOutcome } from './dealer.js';
import type { Realm } from './realm.js';
import type { Registration, Subscription } from './records.js';
import type { RouterSession } from './session.js';
import type { MatchPolicy } from './uri-match.js';

type MetaProcedure = (caller: RouterSession, args: unknown[], kwargs: Dict) => MetaOutcome;

class MetaArgumentError extends Error {
  override readonly name = 'MetaArgumentError';
}

function idArg(args: unknown[], i: number, what: string): number {
  const v = args[i];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new MetaArgumentError(`argument ${i + 1} (${what}) must be an ID`);
  }
  return v;
}

function uriArg(args: unknown[], i: number, what: string): string {
  const v = args[i];
  if (typeof v !== 'string')
    throw new MetaArgumentError(`argument ${i + 1} (${what}) must be a URI`);
  return v;
}

function stringArg(args: unknown[], i: number, what: string): string {
  const v = args[i];
  if (typeof v !== 'string') {
    throw new MetaArgumentError(`argument ${i + 1} (${what}) must be a string`);
  }
  return v;
}

function matchOption(args: unknown[], i: number): MatchPolicy {
  const o = args[i];
  if (o === undefined || o === null) return 'exact';
  const m = typeof o === 'object' ? (o as Dict).match : undefined;
  if (m === undefined) return 'exact';
  if (m !== 'exact' && m !== 'prefix' && m !== 'wildcard') {
    throw new MetaArgumentError(`invalid match policy ${JSON.stringify(m)}`);
  }
  return m;
}

function authroleFilter(args: unknown[]): Set<string> | null {
  const f = args[0];
  if (f === undefined || f === null) return null;
  if (!Array.isArray(f) || !f.every((r) => typeof r === 'string')) {
    throw new MetaArgumentError('argument 1 (filter_authroles) must be a list of strings');
  }
  return new Set(f as string[]);
}

/** reason/message keyword arguments of the kill procedures. */
function killArgs(kwargs: Dict): { reason: string; message: string | undefined } {
  const reason = kwargs.reason ?? 'wamp.close.killed';
  if (typeof reason !== 'string' || reason === '' || !isValidUri(reason)) {
    throw new InvalidUri(`invalid reason URI ${JSON.stringify(reason)}`);
  }
  const message = kwargs.message;
  if (message !== undefined && typeof message !== 'string') {
    throw new MetaArgumentError('keyword argument message must be a string');
  }
  return { reason, message };
}

class InvalidUri extends Error {
  override readonly name = 'InvalidUri';
}

function registrationDetails(r: Registration): Dict {
  return { id: r.id, created: r.created, uri: r.uri, match: r.match, invoke: r.invoke };
}

function subscriptionDetails(s: Subscription): Dict {
  return { id: s.id, created: s.created, uri: s.uri, match: s.match };
}

const NO_SUCH_REGISTRATION = { error: 'wamp.error.no_such_registration' } as const;
const NO_SUCH_SUBSCRIPTION = { error: 'wamp.error.no_such_subscription' } as const;
const NO_SUCH_SESSION = { error: 'wamp.error.no_such_session' } as const;

export class MetaApi {
  private readonly procedures: ReadonlyMap<string, MetaProcedure>;

  constructor(private readonly realm: Realm) {
    this.procedures = new Map<string, MetaProcedure>(Object.entries(this.table()));
  }

  // ---- events ----------------------------------------------------------------------------

  private emit(topic: string, args: () => unknown[]): void {
    const broker = this.realm.broker;
    if (broker.hasSubscribers(topic)) broker.publishInternal(topic, args());
  }

  sessionJoined(s: RouterSession): void {
    this.emit('wamp.session.on_join', () => [s.info()]);
  }

  sessionLeft(s: RouterSession): void {
    this.emit('wamp.session.on_leave', () => [s.id, s.authid, s.authrole]);
  }

  registrationCreated(s: RouterSession, r: Registration): void {
    this.emit('wamp.registration.on_create', () => [s.id, registrationDetails(r)]);
  }

  registered(s: RouterSession, r: Registration): void {
    this.emit('wamp.registration.on_register', () => [s.id, r.id]);
  }

  unregistered(s: RouterSession, r: Registration): void {
    this.emit('wamp.registration.on_unregister', () => [s.id, r.id]);
  }

  registrationDeleted(s: RouterSession, r: Registration): void {
    this.emit('wamp.registration.on_delete', () => [s.id, r.id]);
  }

  subscriptionCreated(s: RouterSession, sub: Subscription): void {
    this.emit('wamp.subscription.on_create', () => [s.id, subscriptionDetails(sub)]);
  }

  subscribed(s: RouterSession, sub: Subscription): void {
    this.emit('wamp.subscription.on_subscribe', () => [s.id, sub.id]);
  }

  unsubscribed(s: RouterSession, sub: Subscription): void {
    this.emit('wamp.subscription.on_unsubscribe', () => [s.id, sub.id]);
  }

  subscriptionDeleted(s: RouterSession, sub: Subscription): void {
    this.emit('wamp.subscription.on_delete', () => [s.id, sub.id]);
  }

  // ---- procedures ------------------------------------------------------------------------

  /** Runs a meta-procedure; undefined when `procedure` is not one. */
  call(
    caller: RouterSession,
    procedure: string,
    args: unknown[],
    kwargs: Dict,
  ): MetaOutcome | undefined {
    const proc = this.procedures.get(procedure);
    if (proc === undefined) return undefined;
    try {
      return proc(caller, args, kwargs);
    } catch (e) {
      if (e instanceof MetaArgumentError)
        return { error: 'wamp.error.invalid_argument', args: [e.message] };
      if (e instanceof InvalidUri) return { error: 'wamp.error.invalid_uri', args: [e.message] };
      throw e;
    }
  }

  /** Names of the meta-procedures (for documentation and tests). */
  procedureNames(): string[] {
    return [...this.procedures.keys()];
  }

  private sessionsOf(filter: Set<string> | null): RouterSession[] {
    const all = [...this.realm.sessions.values()];
    return filter === null ? all : all.filter((s) => filter.has(s.authrole));
  }

  private table(): Record<string, MetaProcedure> {
    const realm = this.realm;
    const kill = (targets: RouterSession[], kwargs: Dict): void => {
      const { reason, message } = killArgs(kwargs);
      for (const t of targets) t.goodbye(reason, message);
    };
    return {
      'wamp.session.count': (_c, args) => ({
        args: [this.sessionsOf(authroleFilter(args)).length],
      }),
      'wamp.session.list': (_c, args) => ({
        args: [this.sessionsOf(authroleFilter(args)).map((s) => s.id)],
      }),
      'wamp.session.get': (_c, args) => {
        const s = realm.sessions.get(idArg(args, 0, 'session'));
        return s === undefined ? NO_SUCH_SESSION : { args: [s.info()] };
      },
      'wamp.session.kill': (c, args, kwargs) => {
        const id = idArg(args, 0, 'session');
        const s = realm.sessions.get(id);
        if (s === undefined || s === c) return NO_SUCH_SESSION;
        kill([s], kwargs);
        return {};
      },
      'wamp.session.kill_by_authid': (c, args, kwargs) => {
        const authid = stringArg(args, 0, 'authid');
        const targets = this.sessionsOf(null).filter((s) => s !== c && s.authid === authid);
        kill(targets, kwargs);
        return { args: [targets.map((s) => s.id)] };
      },
      'wamp.session.kill_by_authrole': (c, args, kwargs) => {
        const authrole = stringArg(args, 0, 'authrole');
        const targets = this.sessionsOf(null).filter((s) => s !== c && s.authrole === authrole);
        kill(targets, kwargs);
        return { args: [targets.length] };
      },
      'wamp.session.kill_all': (c, _args, kwargs) => {
        const targets = this.sessionsOf(null).filter((s) => s !== c);
        kill(targets, kwargs);
        return { args: [targets.length] };
      },

      'wamp.registration.list': () => ({ args: [realm.dealer.list()] }),
      'wamp.registration.lookup': (_c, args) => {
        const r = realm.dealer.lookup(uriArg(args, 0, 'procedure'), matchOption(args, 1));
        return { args: [r?.id ?? null] };
      },
      'wamp.registration.match': (_c, args) => ({
        args: [realm.dealer.best(uriArg(args, 0, 'procedure'))?.id ?? null],
      }),
      'wamp.registration.get': (_c, args) => {
        const r = realm.dealer.get(idArg(args, 0, 'registration'));
        return r === undefined ? NO_SUCH_REGISTRATION : { args: [registrationDetails(r)] };
      },
      'wamp.registration.list_callees': (_c, args) => {
        const r = realm.dealer.get(idArg(args, 0, 'registration'));
        return r === undefined
          ? NO_SUCH_REGISTRATION
          : { args: [r.callees.map((c) => c.session.id)] };
      },
      'wamp.registration.count_callees': (_c, args) => {
        const r = realm.dealer.get(idArg(args, 0, 'registration'));
        return r === undefined ? NO_SUCH_REGISTRATION : { args: [r.callees.length] };
      },
      'wamp.registration.remove_callee': (_c, args, kwargs) => {
        const id = idArg(args, 0, 'registration');
        const callee = idArg(args, 1, 'callee');
        const reason = kwargs.reason;
        if (reason !== undefined && (typeof reason !== 'string' || !isValidUri(reason))) {
          throw new InvalidUri(`invalid reason URI ${JSON.stringify(reason)}`);
        }
        const r = realm.dealer.get(id);
        if (r === undefined) return NO_SUCH_REGISTRATION;
        if (!r.callees.some((c) => c.session.id === callee)) return NO_SUCH_SESSION;
        realm.dealer.revoke(id, callee, reason as string | undefined);
        return {};
      },

      'wamp.subscription.list': () => ({ args: [realm.broker.list()] }),
      'wamp.subscription.lookup': (_c, args) => {
        const s = realm.broker.lookup(uriArg(args, 0, 'topic'), matchOption(args, 1));
        return { args: [s?.id ?? null] };
      },
      'wamp.subscription.match': (_c, args) => {
        const subs = realm.broker.matching(uriArg(args, 0, 'topic'));
        return { args: [subs.length === 0 ? null : subs.map((s) => s.id)] };
      },
      'wamp.subscription.get': (_c, args) => {
        const s = realm.broker.get(idArg(args, 0, 'subscription'));
        return s === undefined ? NO_SUCH_SUBSCRIPTION : { args: [subscriptionDetails(s)] };
      },
      'wamp.subscription.list_subscribers': (_c, args) => {
        const s = realm.broker.get(idArg(args, 0, 'subscription'));
        return s === undefined
          ? NO_SUCH_SUBSCRIPTION
          : { args: [[...s.subscribers].map((x) => x.id)] };
      },
      'wamp.subscription.count_subscribers': (_c, args) => {
        const s = realm.broker.get(idArg(args, 0, 'subscription'));
        return s === undefined ? NO_SUCH_SUBSCRIPTION : { args: [s.subscribers.size] };
      },
      'wamp.subscription.remove_subscriber': (_c, args, kwargs) => {
        const id = idArg(args, 0, 'subscription');
        const subscriber = idArg(args, 1, 'subscriber');
        const reason = kwargs.reason;
        if (reason !== undefined && (typeof reason !== 'string' || !isValidUri(reason))) {
          throw new InvalidUri(`invalid reason URI ${JSON.stringify(reason)}`);
        }
        const s = realm.broker.get(id);
        if (s === undefined) return NO_SUCH_SUBSCRIPTION;
        if (![...s.subscribers].some((x) => x.id === subscriber)) return NO_SUCH_SESSION;
        realm.broker.revoke(id, subscriber, reason as string | undefined);
        return {};
      },
    };
  }
}
