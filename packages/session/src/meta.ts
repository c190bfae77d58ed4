/**
 * Typed helpers for the router meta-APIs (wamp-ap.md "Session Meta API", "Registration Meta
 * API", "Subscription Meta API"): thin wrappers over call/subscribe with the spec's argument
 * order and result shapes.
 */
import type { Dict } from '@wampkit/serializers';
import type { Session } from './session.js';
import type { Subscription } from './subscription.js';
import type { CallOptions, MatchPolicy, SubscribeOptions } from './types.js';

/** A session's details from wamp.session.get and wamp.session.on_join (spec wamp-ap.md "Session Meta API"). */
export interface SessionInfo {
  session: number;
  authid?: string;
  authrole?: string;
  authmethod?: string;
  authprovider?: string;
  transport?: Dict;
  [key: string]: unknown;
}

/** A registration's details from wamp.registration.get (spec wamp-ap.md "Registration Meta API"). */
export interface RegistrationDetails {
  id: number;
  created?: string;
  uri: string;
  match: MatchPolicy;
  invoke?: string;
  [key: string]: unknown;
}

/** A subscription's details from wamp.subscription.get (spec wamp-ap.md "Subscription Meta API"). */
export interface SubscriptionDetails {
  id: number;
  created?: string;
  uri: string;
  match: MatchPolicy;
  [key: string]: unknown;
}

/** Registration or subscription IDs by match policy, as the list meta-procedures return them. */
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
    /** wamp.session.count: how many sessions are joined (optionally only those with one of `filterAuthroles`). */
    count: (filterAuthroles?: string[], options?: CallOptions) =>
      first<number>(
        session,
        'wamp.session.count',
        filterAuthroles ? [filterAuthroles] : [],
        undefined,
        options,
      ),
    /** wamp.session.list: the IDs of the joined sessions (optionally only those with one of `filterAuthroles`). */
    list: (filterAuthroles?: string[], options?: CallOptions) =>
      first<number[]>(
        session,
        'wamp.session.list',
        filterAuthroles ? [filterAuthroles] : [],
        undefined,
        options,
      ),
    /** wamp.session.get: the details of session `id`. */
    get: (id: number, options?: CallOptions) =>
      first<SessionInfo>(session, 'wamp.session.get', [id], undefined, options),
    /** wamp.session.kill: closes session `id` (GOODBYE with `reason` and `message`). */
    kill: (id: number, reason?: string, message?: string, options?: CallOptions) =>
      session.call('wamp.session.kill', [id], killKwargs(reason, message), options).then(() => {}),
    /** wamp.session.kill_by_authid: closes every session of `authid`; resolves with their IDs. */
    killByAuthid: (authid: string, reason?: string, message?: string, options?: CallOptions) =>
      first<number[]>(
        session,
        'wamp.session.kill_by_authid',
        [authid],
        killKwargs(reason, message),
        options,
      ),
    /** wamp.session.kill_by_authrole: closes every session of `authrole`; resolves with how many. */
    killByAuthrole: (authrole: string, reason?: string, message?: string, options?: CallOptions) =>
      first<number>(
        session,
        'wamp.session.kill_by_authrole',
        [authrole],
        killKwargs(reason, message),
        options,
      ),
    /** wamp.session.kill_all: closes every other session; resolves with how many. */
    killAll: (reason?: string, message?: string, options?: CallOptions) =>
      first<number>(session, 'wamp.session.kill_all', [], killKwargs(reason, message), options),
    /** Subscribes to wamp.session.on_join: `handler` gets each joining session's details. */
    onJoin: (
      handler: (info: SessionInfo) => void,
      options?: SubscribeOptions,
    ): Promise<Subscription> =>
      session.subscribe('wamp.session.on_join', (e) => handler(e.args[0] as SessionInfo), options),
    /** Subscribes to wamp.session.on_leave: `handler` gets each leaving session's ID, authid and authrole. */
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
    /** Subscribes to on_create: `handler` gets the creating session's ID and the new item's details. */
    onCreate: (handler: (session: number, details: D) => void, options?: SubscribeOptions) =>
      session.subscribe(
        `${prefix}.on_create`,
        (e) => handler(e.args[0] as number, e.args[1] as D),
        options,
      ),
    /** Subscribes to on_delete: `handler` gets the session ID and the deleted item's ID. */
    onDelete: pair('on_delete'),
  };
}

/** wamp.registration.* */
export function registrationMeta(session: Session) {
  const p = 'wamp.registration';
  const pair = pairEvents(session, p);
  return {
    /** wamp.registration.list: the registration IDs by match policy. */
    list: (options?: CallOptions) => first<IdLists>(session, `${p}.list`, [], undefined, options),
    /** wamp.registration.lookup: the ID of the registration of `procedure` with this match policy, or null. */
    lookup: (procedure: string, match?: { match?: MatchPolicy }, options?: CallOptions) =>
      first<number | null>(
        session,
        `${p}.lookup`,
        match ? [procedure, match] : [procedure],
        undefined,
        options,
      ),
    /** wamp.registration.match: the ID of the registration a call to `procedure` would use, or null. */
    match: (procedure: string, options?: CallOptions) =>
      first<number | null>(session, `${p}.match`, [procedure], undefined, options),
    /** wamp.registration.get: the details of registration `id`. */
    get: (id: number, options?: CallOptions) =>
      first<RegistrationDetails>(session, `${p}.get`, [id], undefined, options),
    /** wamp.registration.list_callees: the session IDs of the callees of registration `id`. */
    listCallees: (id: number, options?: CallOptions) =>
      first<number[]>(session, `${p}.list_callees`, [id], undefined, options),
    /** wamp.registration.count_callees: how many callees registration `id` has. */
    countCallees: (id: number, options?: CallOptions) =>
      first<number>(session, `${p}.count_callees`, [id], undefined, options),
    ...lifecycle<RegistrationDetails>(session, p),
    /** Revokes a callee's registration (Crossbar.io extension `wamp.registration.remove_callee`). */
    removeCallee: (id: number, callee: number, reason?: string, options?: CallOptions) =>
      session
        .call(`${p}.remove_callee`, [id, callee], reason ? { reason } : undefined, options)
        .then(() => {}),
    /** Subscribes to wamp.registration.on_register: `handler` gets the session ID and registration ID. */
    onRegister: pair('on_register'),
    /** Subscribes to wamp.registration.on_unregister: `handler` gets the session ID and registration ID. */
    onUnregister: pair('on_unregister'),
  };
}

/** wamp.subscription.* */
export function subscriptionMeta(session: Session) {
  const p = 'wamp.subscription';
  const pair = pairEvents(session, p);
  return {
    /** wamp.subscription.list: the subscription IDs by match policy. */
    list: (options?: CallOptions) => first<IdLists>(session, `${p}.list`, [], undefined, options),
    /** wamp.subscription.lookup: the ID of the subscription of `topic` with this match policy, or null. */
    lookup: (topic: string, match?: { match?: MatchPolicy }, options?: CallOptions) =>
      first<number | null>(
        session,
        `${p}.lookup`,
        match ? [topic, match] : [topic],
        undefined,
        options,
      ),
    /** wamp.subscription.match: the IDs of the subscriptions an event to `topic` would reach, or null. */
    match: (topic: string, options?: CallOptions) =>
      first<number[] | null>(session, `${p}.match`, [topic], undefined, options),
    /** wamp.subscription.get: the details of subscription `id`. */
    get: (id: number, options?: CallOptions) =>
      first<SubscriptionDetails>(session, `${p}.get`, [id], undefined, options),
    /** wamp.subscription.list_subscribers: the session IDs of the subscribers of subscription `id`. */
    listSubscribers: (id: number, options?: CallOptions) =>
      first<number[]>(session, `${p}.list_subscribers`, [id], undefined, options),
    /** wamp.subscription.count_subscribers: how many subscribers subscription `id` has. */
    countSubscribers: (id: number, options?: CallOptions) =>
      first<number>(session, `${p}.count_subscribers`, [id], undefined, options),
    ...lifecycle<SubscriptionDetails>(session, p),
    /** Revokes a subscription (Crossbar.io extension `wamp.subscription.remove_subscriber`). */
    removeSubscriber: (id: number, subscriber: number, reason?: string, options?: CallOptions) =>
      session
        .call(`${p}.remove_subscriber`, [id, subscriber], reason ? { reason } : undefined, options)
        .then(() => {}),
    /** Subscribes to wamp.subscription.on_subscribe: `handler` gets the session ID and subscription ID. */
    onSubscribe: pair('on_subscribe'),
    /** Subscribes to wamp.subscription.on_unsubscribe: `handler` gets the session ID and subscription ID. */
    onUnsubscribe: pair('on_unsubscribe'),
  };
}
