/**
 * BasicSession: a WAMP client session of the Basic Profile (spec wamp.md "Session
 * Establishment", "Publish and Subscribe", "Remote Procedure Calls", "Session Closing"), plus
 * authentication through `onChallenge`, pattern-based registration/subscription options and call
 * canceling through an AbortSignal (wamp-ap.md "Call Canceling", mode killnowait). It is the
 * small client of wampkit/basic: no progressive calls, PassThru, send-queue backpressure or
 * event iterators (the full Session of @wampkit/session has them).
 *
 * Sans-IO like the full session: it sends message arrays through a `BasicLink` and is fed the
 * decoded messages. Every request waits in one table keyed by request id until its reply (or
 * the session's end, which rejects it with SessionClosedError: nothing ever hangs).
 */
import type { Dict } from '@wampkit/serializers';
import {
  ApplicationError,
  CanceledError,
  type CloseInfo,
  InvalidStateError,
  ProtocolViolationError,
  SessionClosedError,
  TimeoutError,
} from '../errors.js';
import { Result } from '../result.js';
import type { Challenge, ChallengeResponse } from '../session-options.js';
import type { CallResult, MatchPolicy } from '../types.js';
import {
  ABORT,
  AUTHENTICATE,
  CALL,
  CANCEL,
  CHALLENGE,
  ERROR,
  EVENT,
  GOODBYE,
  HELLO,
  INVOCATION,
  PUBLISH,
  REGISTER,
  RESULT,
  SUBSCRIBE,
  UNREGISTER,
  UNREGISTERED,
  UNSUBSCRIBE,
  UNSUBSCRIBED,
  WELCOME,
  YIELD,
} from './wire.js';

/** How the session reaches the router. */
export interface BasicLink {
  /** Sends one message; throws SerializationError when it cannot be encoded. */
  send(message: unknown[]): void;
  /** Closes the transport (the session has ended). */
  close(): void;
}

/** Options of a Basic session. */
export interface BasicSessionOptions {
  realm: string;
  /** HELLO.Details.authmethods (wamp-ap.md "Authentication"), e.g. ['ticket']. */
  authmethods?: string[];
  authid?: string;
  authextra?: Dict;
  /** Answers a CHALLENGE for one of `authmethods` (see @wampkit/auth for ticket, wampcra, ...). */
  onChallenge?: (challenge: Challenge) => ChallengeResponse | Promise<ChallengeResponse>;
  /** Checks WELCOME.Details before the session opens; throwing (or rejecting) refuses the router (ABORT wamp.error.cannot_authenticate). */
  onWelcome?: (details: Dict) => void | Promise<void>;
  /** Extra HELLO.Details entries (e.g. authrole). */
  helloDetails?: Dict;
  /** Called with an error a handler threw that could not go back to the router. Default: console.error. */
  onError?: (error: unknown) => void;
}

/** An INVOCATION as a Basic handler sees it. */
export interface BasicInvocation {
  args: unknown[];
  kwargs: Dict;
  details: Dict;
  /** The procedure called (details.procedure for a pattern registration). */
  procedure: string;
  registration: number;
  request: number;
}

/** An EVENT as a Basic handler sees it. */
export interface BasicEvent {
  args: unknown[];
  kwargs: Dict;
  details: Dict;
  /** The topic published to (details.topic for a pattern subscription). */
  topic: string;
  publication: number;
  subscription: number;
}

/** Returns a value (sent as `args: [value]`), a Result (explicit args/kwargs) or nothing; throws ApplicationError for a WAMP error. */
export type BasicInvocationHandler = (invocation: BasicInvocation) => unknown;
/** Receives each EVENT of a subscription; an error it throws (or rejects with) goes to `onError`. */
export type BasicEventHandler = (event: BasicEvent) => unknown;

/** A registration; `unregister()` ends it. */
export interface BasicRegistration {
  readonly id: number;
  readonly procedure: string;
  /** Sends UNREGISTER; resolves on UNREGISTERED. */
  unregister(): Promise<void>;
}

/** A subscription; `unsubscribe()` ends it. */
export interface BasicSubscription {
  readonly id: number;
  readonly topic: string;
  /** Removes this handler; the last one of a subscription sends UNSUBSCRIBE and resolves on UNSUBSCRIBED. */
  unsubscribe(): Promise<void>;
}

/** Options of BasicSession.call(). */
export interface BasicCallOptions {
  /** Aborting rejects the call with CanceledError and sends CANCEL (killnowait) when the router supports call canceling. */
  signal?: AbortSignal;
  /** Extra CALL.Options entries. */
  extra?: Dict;
}

/** Options of BasicSession.register() (wamp-ap.md "Pattern-based Registration", "Shared Registration"). */
export interface BasicRegisterOptions {
  match?: MatchPolicy;
  invoke?: 'single' | 'roundrobin' | 'random' | 'first' | 'last';
  extra?: Dict;
}

/** Options of BasicSession.subscribe() (wamp-ap.md "Pattern-based Subscription"). */
export interface BasicSubscribeOptions {
  match?: MatchPolicy;
  extra?: Dict;
}

/** Options of BasicSession.publish(). */
export interface BasicPublishOptions {
  /** Wait for PUBLISHED: resolves with `{ publication }` (or rejects with the broker's ERROR). */
  acknowledge?: boolean;
  /** false: our own subscriptions receive the event too. */
  excludeMe?: boolean;
  extra?: Dict;
}

interface Pending {
  /** Code of the request message (CALL, REGISTER, ...). */
  code: number;
  resolve(reply: unknown[]): void;
  reject(error: Error): void;
}

type State = 'new' | 'establishing' | 'established' | 'closing' | 'closed';

const MAX_REQUEST_ID = 2 ** 53;
const NO_OPTIONS = {};
/** How long leave() waits for the router's GOODBYE before closing the transport. */
const LEAVE_TIMEOUT_MS = 5000;

/** A WAMP error as an exception: CanceledError/TimeoutError for those URIs, else ApplicationError. */
function errorOf(m: unknown[]): ApplicationError {
  const [, , , details, uri, args, kwargs] = m as [0, 0, 0, Dict, string, unknown[]?, Dict?];
  if (uri === 'wamp.error.canceled') return new CanceledError(undefined, { details, args, kwargs });
  if (uri === 'wamp.error.timeout') return new TimeoutError(undefined, { details, args, kwargs });
  return new ApplicationError(uri, args, kwargs, { details });
}

/** Appends Arguments|list and ArgumentsKw|dict, leaving out what is empty (spec wamp.md). */
function withPayload(m: unknown[], args?: unknown[], kwargs?: Dict): unknown[] {
  if (kwargs && Object.keys(kwargs).length > 0) m.push(args ?? [], kwargs);
  else if (args && args.length > 0) m.push(args);
  return m;
}

function stringOr(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

/** A joined (or joining) Basic Profile session: RPC and PubSub with one router. */
export class BasicSession {
  /** The session id WELCOME gave. */
  id = 0;
  /** WELCOME.Details: authid, authrole, the router's roles and features. */
  details: Dict = {};
  /** Resolves once the session has ended, however it ended. */
  readonly closed: Promise<CloseInfo>;

  #state: State = 'new';
  readonly #link: BasicLink;
  readonly #options: BasicSessionOptions;
  #lastId = 0;
  readonly #pending = new Map<number, Pending>();
  /** Registration id → handler (null while UNREGISTER is on its way). */
  readonly #registrations = new Map<
    number,
    { procedure: string; handler: BasicInvocationHandler | null }
  >();
  /** Subscription id → the local handlers sharing it. */
  readonly #subscriptions = new Map<number, { topic: string; handlers: Set<BasicEventHandler> }>();
  /** Subscription ids with an UNSUBSCRIBE on its way (their EVENTs are dropped). */
  readonly #leaving = new Map<number, Promise<unknown>>();
  #join: Pending | undefined;
  #authenticating = false;
  /** WELCOME received; onWelcome is still checking it. */
  #verifying = false;
  #resolveClosed!: (info: CloseInfo) => void;

  constructor(link: BasicLink, options: BasicSessionOptions) {
    this.#link = link;
    this.#options = options;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /** Whether the session is established (requests can be made). */
  get isOpen(): boolean {
    return this.#state === 'established';
  }

  get authid(): string | undefined {
    return this.details.authid as string | undefined;
  }

  get authrole(): string | undefined {
    return this.details.authrole as string | undefined;
  }

  /** Sends HELLO; resolves on WELCOME, rejects with SessionClosedError on ABORT. */
  join(): Promise<this> {
    const o = this.#options;
    const details: Dict = {
      ...o.helloDetails,
      agent: 'wampkit-basic',
      roles: {
        caller: { features: { call_canceling: true } },
        callee: { features: { pattern_based_registration: true } },
        publisher: { features: { publisher_exclusion: true } },
        subscriber: { features: { pattern_based_subscription: true } },
      },
    };
    if (o.authmethods) details.authmethods = o.authmethods;
    if (o.authid !== undefined) details.authid = o.authid;
    if (o.authextra) details.authextra = o.authextra;
    return new Promise((resolve, reject) => {
      if (this.#state !== 'new') throw new InvalidStateError('join() was called already');
      this.#join = { code: HELLO, resolve: () => resolve(this), reject };
      this.#state = 'establishing';
      this.#link.send([HELLO, o.realm, details]);
    });
  }

  /** Feeds one decoded and checked message (wire.ts checkIncoming) from the router. */
  receive(m: unknown[]): void {
    try {
      this.#dispatch(m);
    } catch (e) {
      this.violation(e as Error);
    }
  }

  /** The router sent something malformed: ABORT wamp.error.protocol_violation. */
  violation(error: Error): void {
    if (this.#state === 'closed') return;
    try {
      this.#link.send([ABORT, { message: error.message }, 'wamp.error.protocol_violation']);
    } catch {
      // The transport is gone already; the session ends all the same.
    }
    this.#finish('wamp.error.protocol_violation', {}, 'local', error);
  }

  /** The transport closed (or failed: `error`). */
  transportClosed(error?: Error): void {
    this.#finish('wamp.close.transport_lost', {}, 'transport', error);
  }

  /** Sends GOODBYE; resolves when the router answered it (or the transport closed). */
  leave(reason = 'wamp.close.normal', message?: string): Promise<CloseInfo> {
    if (this.#state === 'established') {
      this.#state = 'closing';
      this.#link.send([GOODBYE, message === undefined ? {} : { message }, reason]);
      // A router that never answers GOODBYE: close the transport, which ends the session.
      const timer = setTimeout(() => this.#link.close(), LEAVE_TIMEOUT_MS);
      this.closed.then(() => clearTimeout(timer));
    }
    return this.closed;
  }

  /** Calls a procedure; resolves with its RESULT, rejects with ApplicationError for its ERROR. */
  call(
    procedure: string,
    args?: unknown[],
    kwargs?: Dict,
    options: BasicCallOptions = NO_OPTIONS,
  ): Promise<CallResult> {
    const { signal } = options;
    // Before an id is taken: the router expects the ids of the requests it sees to be sequential.
    if (signal?.aborted)
      return Promise.reject(new CanceledError(undefined, { cause: signal.reason }));
    const request = this.#nextId();
    const result = this.#request(
      withPayload([CALL, request, { ...options.extra }, procedure], args, kwargs),
    ).then((m) => ({
      details: m[2] as Dict,
      args: (m[3] ?? []) as unknown[],
      kwargs: (m[4] ?? {}) as Dict,
      progress: false,
    }));
    if (!signal) return result;
    const cancel = () => {
      const p = this.#pending.get(request);
      if (!p) return;
      // The call's reply may still come: keep its request id until then, but answer now.
      p.reject(new CanceledError(undefined, { cause: signal.reason }));
      p.resolve = p.reject = () => {};
      if (this.#feature('dealer', 'call_canceling')) {
        this.#link.send([CANCEL, request, { mode: 'killnowait' }]);
      }
    };
    signal.addEventListener('abort', cancel, { once: true });
    const done = () => signal.removeEventListener('abort', cancel);
    result.then(done, done);
    return result;
  }

  /** Registers a procedure; each INVOCATION runs `handler` and its outcome becomes YIELD or ERROR. */
  register(
    procedure: string,
    handler: BasicInvocationHandler,
    options: BasicRegisterOptions = NO_OPTIONS,
  ): Promise<BasicRegistration> {
    const o: Dict = { ...options.extra };
    if (options.match) o.match = options.match;
    if (options.invoke) o.invoke = options.invoke;
    return this.#request([REGISTER, this.#nextId(), o, procedure]).then((m) => {
      const id = m[2] as number;
      this.#registrations.set(id, { procedure, handler });
      return {
        id,
        procedure,
        unregister: () => {
          const r = this.#registrations.get(id);
          if (r === undefined || r.handler === null) return Promise.resolve();
          r.handler = null;
          const done = () => {
            this.#registrations.delete(id);
          };
          return this.#request([UNREGISTER, this.#nextId(), id]).then(done, (e) => {
            done();
            throw e;
          });
        },
      };
    });
  }

  /** Subscribes to a topic; every EVENT goes to `handler`. */
  subscribe(
    topic: string,
    handler: BasicEventHandler,
    options: BasicSubscribeOptions = NO_OPTIONS,
  ): Promise<BasicSubscription> {
    const o: Dict = { ...options.extra };
    if (options.match) o.match = options.match;
    return this.#request([SUBSCRIBE, this.#nextId(), o, topic]).then((m) => {
      const id = m[2] as number;
      // The router handled our SUBSCRIBE before an UNSUBSCRIBE of the same subscription that we
      // sent after it: once that is through, the subscription is gone, so make it again.
      const leaving = this.#leaving.get(id);
      if (leaving) return leaving.then(() => this.subscribe(topic, handler, options));
      let s = this.#subscriptions.get(id);
      if (!s) {
        s = { topic, handlers: new Set() };
        this.#subscriptions.set(id, s);
      }
      // A fresh function per subscribe() call: the same handler subscribed twice is two subscriptions.
      const own: BasicEventHandler = (e) => handler(e);
      s.handlers.add(own);
      const handlers = s.handlers;
      return {
        id,
        topic,
        unsubscribe: () => {
          if (!handlers.delete(own) || handlers.size > 0) return Promise.resolve();
          this.#subscriptions.delete(id);
          const done = this.#request([UNSUBSCRIBE, this.#nextId(), id]).then(
            () => {
              this.#leaving.delete(id);
            },
            (e: Error) => {
              this.#leaving.delete(id);
              throw e;
            },
          );
          this.#leaving.set(
            id,
            done.catch(() => {}),
          );
          return done;
        },
      };
    });
  }

  /** Publishes an event; with `acknowledge`, resolves with the publication id. */
  publish(
    topic: string,
    args?: unknown[],
    kwargs?: Dict,
    options: BasicPublishOptions = NO_OPTIONS,
  ): Promise<{ publication: number } | undefined> {
    const o: Dict = { ...options.extra };
    if (options.excludeMe === false) o.exclude_me = false;
    const m = withPayload([PUBLISH, this.#nextId(), o, topic], args, kwargs);
    if (!options.acknowledge) {
      try {
        this.#send(m);
        return Promise.resolve(undefined);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    o.acknowledge = true;
    return this.#request(m).then((r) => ({ publication: r[2] as number }));
  }

  // ---------------------------------------------------------------------------------------------

  #nextId(): number {
    this.#lastId = this.#lastId >= MAX_REQUEST_ID ? 1 : this.#lastId + 1;
    return this.#lastId;
  }

  #feature(role: string, feature: string): boolean {
    const r = (this.details.roles as Dict | undefined)?.[role] as Dict | undefined;
    return (r?.features as Dict | undefined)?.[feature] === true;
  }

  /** Sends a message; a request (id at m[1]) that cannot be sent gives its id back, as the router
   * expects the ids of the requests it sees to be sequential (spec wamp.md "IDs"). */
  #send(m: unknown[]): void {
    try {
      if (this.#state !== 'established') {
        throw new InvalidStateError(`the session is ${this.#state}, not established`);
      }
      this.#link.send(m);
    } catch (e) {
      if (m[0] !== YIELD && m[0] !== ERROR && m[1] === this.#lastId) this.#lastId--;
      throw e;
    }
  }

  /** Sends a request and waits for its reply (matched by the request id at m[1]). */
  #request(m: unknown[]): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const id = m[1] as number;
      this.#send(m);
      this.#pending.set(id, { code: m[0] as number, resolve, reject });
    });
  }

  /** The pending request a reply answers; anything else is a protocol violation. */
  #take(id: number, code: number): Pending {
    const p = this.#pending.get(id);
    if (!p || p.code !== code) {
      throw new ProtocolViolationError(`reply to request ${id}, which is not a pending ${code}`);
    }
    this.#pending.delete(id);
    return p;
  }

  #report(error: unknown): void {
    (this.#options.onError ?? console.error)(error);
  }

  #dispatch(m: unknown[]): void {
    const code = m[0] as number;
    const state = this.#state;
    if (state === 'establishing') {
      this.#establishing(m);
    } else if (code === ABORT) {
      this.#finish(m[2] as string, m[1] as Dict, 'remote');
    } else if (code === GOODBYE) {
      const ours = state === 'closing';
      if (!ours) this.#link.send([GOODBYE, {}, 'wamp.close.goodbye_and_out']);
      this.#finish(m[2] as string, m[1] as Dict, ours ? 'local' : 'remote', undefined, true);
    } else if (state === 'closed') {
      // Nothing more is expected; late messages are dropped.
    } else if (code === ERROR) {
      this.#take(m[2] as number, m[1] as number).reject(errorOf(m));
    } else if (code === EVENT) {
      this.#event(m);
    } else if (code === INVOCATION) {
      this.#invocation(m);
    } else if (code === WELCOME || code === CHALLENGE) {
      throw new ProtocolViolationError(`message type ${code} in an established session`);
    } else if (code === RESULT) {
      // A call without receive_progress gets one RESULT; a progressive one is a router bug.
      if ((m[2] as Dict).progress === true) {
        throw new ProtocolViolationError('progressive RESULT for a call that did not ask for it');
      }
      this.#take(m[1] as number, CALL).resolve(m);
    } else if (m[1] === 0 && (code === UNSUBSCRIBED || code === UNREGISTERED)) {
      // The router revoked it (wamp-ap.md "Subscription Revocation", "Registration Revocation").
      const d = (m[2] ?? {}) as Dict;
      if (code === UNSUBSCRIBED) this.#subscriptions.delete(d.subscription as number);
      else this.#registrations.delete(d.registration as number);
    } else {
      // PUBLISHED, SUBSCRIBED, UNSUBSCRIBED, REGISTERED, UNREGISTERED: reply code = request + 1.
      this.#take(m[1] as number, code - 1).resolve(m);
    }
  }

  #establishing(m: unknown[]): void {
    const code = m[0];
    if (code === WELCOME && !this.#authenticating && !this.#verifying) {
      this.#welcome(m[1] as number, m[2] as Dict);
    } else if (code === ABORT) {
      this.#finish(m[2] as string, m[1] as Dict, 'remote');
    } else if (code === CHALLENGE && !this.#authenticating && !this.#verifying) {
      this.#challenge(m[1] as string, m[2] as Dict);
    } else {
      throw new ProtocolViolationError(`message type ${code} while joining`);
    }
  }

  /** WELCOME, checked by onWelcome first when given (mutual authentication: WAMP-SCRAM's server signature). */
  #welcome(id: number, details: Dict): void {
    const open = () => {
      this.#verifying = false;
      if (this.#state !== 'establishing') return;
      this.id = id;
      this.details = details;
      this.#state = 'established';
      this.#join?.resolve([]);
      this.#join = undefined;
    };
    const check = this.#options.onWelcome;
    if (!check) {
      open();
      return;
    }
    this.#verifying = true;
    Promise.resolve()
      .then(() => check(details))
      .then(open, (e) => this.#refuse(e));
  }

  /** Ends a join we cannot complete: ABORT wamp.error.cannot_authenticate (as Autobahn|Python does). */
  #refuse(e: unknown): void {
    if (this.#state !== 'establishing') return;
    const error = e instanceof Error ? e : new Error(String(e));
    this.#link.send([ABORT, { message: error.message }, 'wamp.error.cannot_authenticate']);
    this.#finish('wamp.error.cannot_authenticate', {}, 'local', error);
  }

  /** CHALLENGE → AUTHENTICATE through onChallenge (wamp-ap.md "Authentication"). */
  #challenge(authMethod: string, extra: Dict): void {
    const answer = this.#options.onChallenge;
    if (!this.#options.authmethods?.includes(authMethod)) {
      throw new ProtocolViolationError(`CHALLENGE for authmethod "${authMethod}", not offered`);
    }
    if (!answer) {
      this.#refuse(new Error(`no onChallenge for authmethod ${authMethod}`));
      return;
    }
    this.#authenticating = true;
    Promise.resolve()
      .then(() => answer({ authMethod, extra }))
      .then((r) => {
        this.#authenticating = false;
        if (this.#state === 'establishing') {
          this.#link.send([AUTHENTICATE, r.signature, r.extra ?? {}]);
        }
      })
      .catch((e) => this.#refuse(e));
  }

  #event(m: unknown[]): void {
    const id = m[1] as number;
    const s = this.#subscriptions.get(id);
    if (!s) {
      if (this.#leaving.has(id)) return;
      throw new ProtocolViolationError(`EVENT for subscription ${id}, which we do not have`);
    }
    const details = m[3] as Dict;
    const event: BasicEvent = {
      args: (m[4] ?? []) as unknown[],
      kwargs: (m[5] ?? {}) as Dict,
      details,
      topic: stringOr(details.topic, s.topic),
      publication: m[2] as number,
      subscription: id,
    };
    for (const h of s.handlers) {
      try {
        const out = h(event);
        if (out instanceof Promise) out.catch((e) => this.#report(e));
      } catch (e) {
        this.#report(e);
      }
    }
  }

  #invocation(m: unknown[]): void {
    const request = m[1] as number;
    const registration = m[2] as number;
    const r = this.#registrations.get(registration);
    if (!r) {
      throw new ProtocolViolationError(
        `INVOCATION for registration ${registration}, which we do not have`,
      );
    }
    if (!r.handler) {
      this.#fail(request, new ApplicationError('wamp.error.no_such_registration'));
      return;
    }
    const details = m[3] as Dict;
    let out: unknown;
    try {
      out = r.handler({
        args: (m[4] ?? []) as unknown[],
        kwargs: (m[5] ?? {}) as Dict,
        details,
        procedure: stringOr(details.procedure, r.procedure),
        registration,
        request,
      });
    } catch (e) {
      this.#fail(request, e);
      return;
    }
    if (out instanceof Promise) {
      out.then(
        (v) => this.#yield(request, v),
        (e) => this.#fail(request, e),
      );
    } else {
      this.#yield(request, out);
    }
  }

  #yield(request: number, v: unknown): void {
    if (this.#state !== 'established') return;
    try {
      if (v instanceof Result) {
        if (v.payload)
          throw new InvalidStateError('Payload PassThru needs the full wampkit client');
        this.#send(withPayload([YIELD, request, { ...v.options }], v.args, v.kwargs));
      } else {
        this.#send(withPayload([YIELD, request, {}], v === undefined ? undefined : [v]));
      }
    } catch (e) {
      this.#fail(request, e);
    }
  }

  /** Answers an INVOCATION with ERROR: an ApplicationError as it is, anything else as runtime_error. */
  #fail(request: number, e: unknown): void {
    if (this.#state !== 'established') return;
    if (e instanceof ApplicationError) {
      try {
        this.#send(withPayload([ERROR, INVOCATION, request, e.details, e.uri], e.args, e.kwargs));
        return;
      } catch (e2) {
        e = e2;
      }
    }
    this.#report(e);
    const message = e instanceof Error ? e.message : String(e);
    this.#send([ERROR, INVOCATION, request, {}, 'wamp.error.runtime_error', [message]]);
  }

  #finish(
    reason: string,
    details: Dict,
    initiator: CloseInfo['initiator'],
    error?: Error,
    clean = false,
  ): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    const info: CloseInfo = { reason, details, initiator, clean };
    if (error) info.error = error;
    const closedError = new SessionClosedError(info);
    this.#join?.reject(error instanceof ProtocolViolationError ? error : closedError);
    this.#join = undefined;
    for (const p of this.#pending.values()) p.reject(closedError);
    this.#pending.clear();
    this.#link.close();
    this.#resolveClosed(info);
  }
}
