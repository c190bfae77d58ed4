/**
 * Typed helpers for the router meta-APIs (wamp-ap.md "Session Meta API", "Registration Meta
 * API", "Subscription Meta API"): thin wrappers over call/subscribe with the spec's argument
 * order and result shapes.
 */
import type { Dict } from '@wampkit/serializers';
import type { Session } from './session.js';
import type { Subscription } from './subscription.js';
import type { CallOptions, MatchPolicy, SubscribeOptions } from './types.js';

export interface SessionInfo {
  session: number;
  authid?: string;
  authrole?: string;
  authmethod?: string;
  authprovider?: string;
  transport?: Dict;
  [key: string]: unknown;
}

export interface RegistrationDetails {
  id: number;
  created?: string;
  uri: string;
  match: MatchPolicy;
  invoke?: string;
  [key: string]: unknown;
}

export interface SubscriptionDetails {
  id: number;
  created?: string;
  uri: string;
  match: MatchPolicy;
  [key: string]: unknown;
}

export interface IdLists {
  exact: number[];
  prefix: number[];
  wildcard: number[];
}

async function first<T>(
  session: Session,
  procedure: string,
  args: unknown[] = [],
  kwargs?: Dict,
  options?: CallOptions,
): Promise<T> {
  const r = await session.call(procedure, args, kwargs, options);
  return r.args[0] as T;
}

/** wamp.session.* */
export function sessionMeta(session: Session) {
  return {
    count: (filterAuthroles?: string[], options?: CallOptions) =>
      first<number>(
        session,
        'wamp.session.count',
        filterAuthroles ? [filterAuthroles] : [],
        undefined,
        options,
      ),
    list: (filterAuthroles?: string[], options?: CallOptions) =>
      first<number[]>(
        session,
        'wamp.session.list',
        filterAuthroles ? [filterAuthroles] : [],
        undefined,
        options,
      ),
    get: (id: number, options?: CallOptions) =>
      first<SessionInfo>(session, 'wamp.session.get', [id], undefined, options),
    kill: (id: number, reason?: string, message?: string, options?: CallOptions) =>
      session.call('wamp.session.kill', [id], killKwargs(reason, message), options).then(() => {}),
    killByAuthid: (authid: string, reason?: string, message?: string, options?: CallOptions) =>
      first<number[]>(
        session,
        'wamp.session.kill_by_authid',
        [authid],
        killKwargs(reason, message),
        options,
      ),
    killByAuthrole: (authrole: string, reason?: string, message?: string, options?: CallOptions) =>
      first<number>(
        session,
        'wamp.session.kill_by_authrole',
        [authrole],
        killKwargs(reason, message),
        options,
      ),
    killAll: (reason?: string, message?: string, options?: CallOptions) =>
      first<number>(session, 'wamp.session.kill_all', [], killKwargs(reason, message), options),
    onJoin: (
      handler: (info: SessionInfo) => void,
      options?: SubscribeOptions,
    ): Promise<Subscription> =>
      session.subscribe('wamp.session.on_join', (e) => handler(e.args[0] as SessionInfo), options),
    onLeave: (
      handler: (session: number, authid: string | undefined, authrole: string | undefined) => void,
      options?: SubscribeOptions,
    ): Promise<Subscription> =>
      session.subscribe(
        'wamp.session.on_leave',
        (e) =>
          handler(
            e.args[0] as number,
            e.args[1] as string | undefined,
            e.args[2] as string | undefined,
          ),
        options,
      ),
  };
}

function killKwargs(reason?: string, message?: string): Dict | undefined {
  if (reason === undefined && message === undefined) return undefined;
  const k: Dict = {};
  if (reason !== undefined) k.reason = reason;
  if (message !== undefined) k.message = message;
  return k;
}

type PairHandler = (session: number, id: number) => void;

/** Subscribers to `<prefix>.<topic>` meta events whose args are (session id, item id). */
function pairEvents(session: Session, prefix: string) {
  return (topic: string) => (handler: PairHandler, options?: SubscribeOptions) =>
    session.subscribe(
      `${prefix}.${topic}`,
      (e) => handler(e.args[0] as number, e.args[1] as number),
      options,
    );
}

function lifecycle<D>(session: Session, prefix: string) {
  const pair = pairEvents(session, prefix);
  return {
    onCreate: (handler: (session: number, details: D) => void, options?: SubscribeOptions) =>
      session.subscribe(
        `${prefix}.on_create`,
        (e) => handler(e.args[0] as number, e.args[1] as D),
        options,
      ),
    onDelete: pair('on_delete'),
  };
}

/** wamp.registration.* */
export function registrationMeta(session: Session) {
  const p = 'wamp.registration';
  const pair = pairEvents(session, p);
  return {
    list: (options?: CallOptions) => first<IdLists>(session, `${p}.list`, [], undefined, options),
    lookup: (procedure: string, match?: { match?: MatchPolicy }, options?: CallOptions) =>
      first<number | null>(
        session,
        `${p}.lookup`,
        match ? [procedure, match] : [procedure],
        undefined,
        options,
      ),
    match: (procedure: string, options?: CallOptions) =>
      first<number | null>(session, `${p}.match`, [procedure], undefined, options),
    get: (id: number, options?: CallOptions) =>
      first<RegistrationDetails>(session, `${p}.get`, [id], undefined, options),
    listCallees: (id: number, options?: CallOptions) =>
      first<number[]>(session, `${p}.list_callees`, [id], undefined, options),
    countCallees: (id: number, options?: CallOptions) =>
      first<number>(session, `${p}.count_callees`, [id], undefined, options),
    ...lifecycle<RegistrationDetails>(session, p),
    /** Revokes a callee's registration (Crossbar.io extension `wamp.registration.remove_callee`). */
    removeCallee: (id: number, callee: number, reason?: string, options?: CallOptions) =>
      session
        .call(`${p}.remove_callee`, [id, callee], reason ? { reason } : undefined, options)
        .then(() => {}),
    onRegister: pair('on_register'),
    onUnregister: pair('on_unregister'),
  };
}

/** wamp.subscription.* */
export function subscriptionMeta(session: Session) {
  const p = 'wamp.subscription';
  const pair = pairEvents(session, p);
  return {
    list: (options?: CallOptions) => first<IdLists>(session, `${p}.list`, [], undefined, options),
    lookup: (topic: string, match?: { match?: MatchPolicy }, options?: CallOptions) =>
      first<number | null>(
        session,
        `${p}.lookup`,
        match ? [topic, match] : [topic],
        undefined,
        options,
      ),
    match: (topic: string, options?: CallOptions) =>
      first<number[] | null>(session, `${p}.match`, [topic], undefined, options),
    get: (id: number, options?: CallOptions) =>
      first<SubscriptionDetails>(session, `${p}.get`, [id], undefined, options),
    listSubscribers: (id: number, options?: CallOptions) =>
      first<number[]>(session, `${p}.list_subscribers`, [id], undefined, options),
    countSubscribers: (id: number, options?: CallOptions) =>
      first<number>(session, `${p}.count_subscribers`, [id], undefined, options),
    ...lifecycle<SubscriptionDetails>(session, p),
    /** Revokes a subscription (Crossbar.io extension `wamp.subscription.remove_subscriber`). */
    removeSubscriber: (id: number, subscriber: number, reason?: string, options?: CallOptions) =>
      session
        .call(`${p}.remove_subscriber`, [id, subscriber], reason ? { reason } : undefined, options)
        .then(() => {}),
    onSubscribe: pair('on_subscribe'),
    onUnsubscribe: pair('on_unsubscribe'),
  };
}
