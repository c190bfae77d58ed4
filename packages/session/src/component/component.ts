/**
 * The reconnecting Component: a declarative description of what a client provides
 * (registrations, subscriptions, join/leave hooks) that stays on a router across connection
 * losses (the shape of Autobahn|Python's `Component`):
 *
 * - a list of transports, tried in order on every connection attempt;
 * - automatic reconnect with exponential backoff, full jitter, a cap and a retry limit
 *   (backoff.ts); errors that no retry can fix (unknown realm, failed authentication, a URL no
 *   transport supports) end it at once;
 * - on every (re)join, every registration and subscription is made again with its original
 *   options, before the `join` event and `onJoin`;
 * - requests in flight when a connection is lost reject at once with SessionClosedError (reason
 *   `wamp.close.transport_lost`, the TransportError as `cause`), and requests made while not
 *   joined reject with NotConnectedError: nothing waits for a connection that may never return;
 * - a WAMP-level keepalive probe (keepalive.ts) on transports that cannot ping themselves;
 * - `state`, `join`, `leave` and `error` events, and `states()`, an async iterator of state
 *   changes.
 */
import type { Dict } from '@wampkit/serializers';
import { type CloseInfo, InvalidStateError, SessionClosedError } from '../errors.js';
import { type SessionProbeOptions, startSessionProbe } from '../keepalive.js';
import { AsyncQueue } from '../queue.js';
import type { InvocationHandler, Registration } from '../registration.js';
import type { Session } from '../session.js';
import type { SessionOptions } from '../session-options.js';
import type { EventHandler, Subscription } from '../subscription.js';
import { joinSession, type Transport } from '../transport.js';
import { ConnectTimeoutError, UnsupportedTransportError } from '../transport-errors.js';
import type {
  CallOptions,
  CallResult,
  Publication,
  PublishOptions,
  RegisterOptions,
  SubscribeOptions,
} from '../types.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { Emitter } from './events.js';

/**
 * idle (not started) -> connecting -> joined -> (connection lost) waiting -> connecting -> ...;
 * stop() ends in `stopped`, giving up (retries exhausted, a fatal error) in `failed`.
 */
export type ConnectionState = 'idle' | 'connecting' | 'joined' | 'waiting' | 'stopped' | 'failed';

/** One change of a Component's connection state (the `state` event and states()). */
export interface ConnectionStateEvent {
  state: ConnectionState;
  previous: ConnectionState;
  /** Connection attempts that failed in a row (0 once joined). */
  failures: number;
  /** The transport entry tried (connecting) or in use (joined). */
  transport?: string;
  /** waiting: ms until the next attempt. */
  delay?: number;
  /** waiting/failed: why (the lost connection's or the failed attempt's error). */
  error?: Error;
  /** joined: the new session. */
  session?: Session;
  /** Date.now() of the change. */
  at: number;
}

/** One way to reach the router. */
export interface TransportEntry {
  /** For events and errors (e.g. the URL). */
  name: string;
  /** Opens the transport; aborting `signal` must cancel the attempt. */
  connect(signal: AbortSignal): Promise<Transport>;
}

/** A registration a Component keeps: made again with the same options on every (re)join. */
export interface RegistrationSpec<A extends unknown[] = unknown[], K extends Dict = Dict> {
  procedure: string;
  handler: InvocationHandler<A, K>;
  options?: RegisterOptions;
}

/** A subscription a Component keeps: made again with the same options on every (re)join. */
export interface SubscriptionSpec<A extends unknown[] = unknown[], K extends Dict = Dict> {
  topic: string;
  handler: EventHandler<A, K>;
  /** As for Session.subscribe; aborting `signal` removes the subscription for good. */
  options?: SubscribeOptions;
}

/** Options of a Component: realm, transports, session options, what it provides, hooks, reconnect policy. */
export interface ComponentOptions {
  realm: string;
  /** Tried in order on every connection attempt; the first that opens and joins is used. */
  transports: TransportEntry | readonly TransportEntry[];
  /** HELLO details, authentication, timeouts and bounds of every session (see SessionOptions). */
  session?: Omit<SessionOptions, 'realm'>;
  /**
   * Session options made afresh for each join over the transport just opened, merged over
   * `session`: authentication that needs a new nonce per HELLO (WAMP-SCRAM) or the transport's
   * TLS channel binding. wampkit's createComponent({ auth }) fills it in.
   */
  sessionFor?: (transport: Transport) => Partial<Omit<SessionOptions, 'realm'>>;
  registrations?: readonly RegistrationSpec[];
  subscriptions?: readonly SubscriptionSpec[];
  /** Runs after each (re)join, once registrations and subscriptions are restored. */
  onJoin?: (session: Session) => void | Promise<void>;
  /** Runs after each session ended (connection lost, router GOODBYE, stop()). */
  onLeave?: (session: Session, info: CloseInfo) => void;
  /** Reconnect policy; false: do not reconnect (one attempt per transport, ends after a loss). */
  reconnect?: BackoffOptions | false;
  /** Opening a transport plus HELLO/WELCOME must finish within this many ms. Default 10 000. */
  joinTimeout?: number;
  /**
   * WAMP-level liveness probe for transports without their own keepalive (browsers; RawSocket
   * without pingInterval). Default { interval: 10 000, timeout: 5 000 }; false: off.
   */
  keepalive?: SessionProbeOptions | false;
  /** Whether an error ends the component instead of being retried (default: see isFatalError). */
  isFatal?: (error: Error) => boolean;
}

/** The events a Component emits, with their arguments. */
export interface ComponentEvents {
  [event: string]: unknown[];
  state: [event: ConnectionStateEvent];
  join: [session: Session];
  leave: [session: Session, info: CloseInfo];
  /** A connection attempt, a restore or an onJoin hook failed (`transport`: the entry's name). */
  error: [error: Error, transport: string | undefined];
}

/** A request was made while the Component has no joined session. */
export class NotConnectedError extends InvalidStateError {
  override name = 'NotConnectedError';
  readonly state: ConnectionState;
  constructor(state: ConnectionState) {
    super(`not joined to the router (component is ${state})`);
    this.state = state;
  }
}

/** ABORT reasons that a retry cannot fix. */
const FATAL_ABORTS = new Set([
  'wamp.error.no_such_realm',
  'wamp.error.authentication_failed',
  'wamp.error.authorization_failed',
  'wamp.error.not_authorized',
  'wamp.error.no_auth_method',
  'wamp.error.no_such_role',
]);

/** Default retry policy: the router refused us for good, or no transport can handle the URL. */
export function isFatalError(error: Error): boolean {
  if (error instanceof UnsupportedTransportError) return true;
  return (
    error instanceof SessionClosedError &&
    error.initiator === 'remote' &&
    FATAL_ABORTS.has(error.reason)
  );
}

/** A registration or subscription the component keeps across sessions. */
export class Declaration<H extends Registration | Subscription = Registration | Subscription> {
  /** The handle on the current session (undefined while not joined). */
  current: H | undefined;
  /** Set once `remove()` ran: it is not restored any more. */
  removed = false;

  constructor(
    readonly kind: H extends Registration ? 'registration' : 'subscription',
    /** Procedure or topic. */
    readonly uri: string,
    readonly handler: H extends Registration ? InvocationHandler : EventHandler,
    readonly options: H extends Registration ? RegisterOptions : SubscribeOptions,
    private readonly owner: Component,
  ) {}

  /** Stops restoring it and unregisters/unsubscribes it on the current session. */
  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    this.owner.forget(this);
    const handle = this.current;
    this.current = undefined;
    if (!handle?.active) return;
    if ('procedure' in handle) await handle.unregister();
    else await handle.unsubscribe();
  }
}

const DEFAULT_KEEPALIVE: SessionProbeOptions = { interval: 10_000, timeout: 5_000 };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** A client that stays on a router across connection losses: it reconnects with backoff and restores its registrations and subscriptions on every rejoin. */
export class Component extends Emitter<ComponentEvents> implements AsyncDisposable {
  private currentState: ConnectionState = 'idle';
  private lastEvent: ConnectionStateEvent;
  private current: Session | undefined;
  private readonly transports: readonly TransportEntry[];
  private readonly registrations = new Set<Declaration<Registration>>();
  private readonly subscriptions = new Set<Declaration<Subscription>>();
  private readonly stateQueues = new Set<AsyncQueue<ConnectionStateEvent>>();
  private stopController: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private firstJoin: Promise<Session> | undefined;
  private failures = 0;

  constructor(private readonly options: ComponentOptions) {
    super((error, context) => this.reportHandlerError(error, `component ${context}`));
    const list = options.transports;
    this.transports = Array.isArray(list) ? list : [list as TransportEntry];
    if (this.transports.length === 0)
      throw new TypeError('a Component needs at least one transport');
    for (const r of options.registrations ?? []) this.declareRegistration(r);
    for (const s of options.subscriptions ?? []) this.declareSubscription(s);
    this.lastEvent = { state: 'idle', previous: 'idle', failures: 0, at: Date.now() };
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The joined session (undefined while not joined). */
  get session(): Session | undefined {
    return this.currentState === 'joined' ? this.current : undefined;
  }

  /**
   * Starts connecting; resolves with the first joined session (registrations and subscriptions
   * restored), or rejects when the component fails or is stopped before that.
   */
  start(): Promise<Session> {
    if (this.firstJoin && this.loop) return this.firstJoin;
    const controller = new AbortController();
    this.stopController = controller;
    let resolveJoin!: (s: Session) => void;
    let rejectJoin!: (e: Error) => void;
    this.firstJoin = new Promise<Session>((resolve, reject) => {
      resolveJoin = resolve;
      rejectJoin = reject;
    });
    // Rejections are delivered through start(); an unobserved one must not crash the process.
    this.firstJoin.catch(() => {});
    this.loop = this.run(controller.signal, resolveJoin).then(
      () => rejectJoin(this.lastEvent.error ?? new NotConnectedError(this.currentState)),
      (e: unknown) => rejectJoin(asError(e)),
    );
    return this.firstJoin;
  }

  /** Leaves the realm (GOODBYE), stops reconnecting, and resolves once stopped. */
  async stop(): Promise<void> {
    const controller = this.stopController;
    if (!controller) return;
    controller.abort();
    const session = this.current;
    if (session && session.state !== 'closed') await session.leave();
    await this.loop;
    this.stopController = undefined;
    this.loop = undefined;
    this.firstJoin = undefined;
  }

  /** Stops the component (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /**
   * Async iterator of state changes, starting with the current state; ends after `stopped` or
   * `failed`. Bounded: a consumer that falls `bufferSize` (default 64) changes behind loses the
   * oldest.
   */
  states(bufferSize = 64): AsyncIterableIterator<ConnectionStateEvent> {
    const queue: AsyncQueue<ConnectionStateEvent> = new AsyncQueue(bufferSize, 'drop-oldest', () =>
      this.stateQueues.delete(queue),
    );
    queue.push(this.lastEvent);
    if (this.currentState === 'stopped' || this.currentState === 'failed') queue.end();
    else this.stateQueues.add(queue);
    return queue;
  }

  /** Resolves when the component is joined (at once if it is). Rejects if it stops or fails first. */
  async joined(): Promise<Session> {
    for await (const change of this.states()) {
      if (change.state === 'joined' && this.current) return this.current;
      if (change.state === 'stopped' || change.state === 'failed') {
        throw change.error ?? new NotConnectedError(change.state);
      }
    }
    throw new NotConnectedError(this.currentState);
  }

  // ---------------------------------------------------------------------------------------------
  // Declarations

  /**
   * Adds a registration that is kept across sessions: made now when joined (the promise then
   * settles with the router's answer), and again with the same options on every rejoin.
   */
  async register<A extends unknown[] = unknown[], K extends Dict = Dict>(
    procedure: string,
    handler: InvocationHandler<A, K>,
    options: RegisterOptions = {},
  ): Promise<Declaration<Registration>> {
    const d = this.declareRegistration({
      procedure,
      handler: handler as unknown as InvocationHandler,
      options,
    });
    const session = this.session;
    if (session) await this.apply(session, d);
    return d;
  }

  /** Adds a subscription kept across sessions (see `register`). */
  async subscribe<A extends unknown[] = unknown[], K extends Dict = Dict>(
    topic: string,
    handler: EventHandler<A, K>,
    options: SubscribeOptions = {},
  ): Promise<Declaration<Subscription>> {
    const d = this.declareSubscription({
      topic,
      handler: handler as unknown as EventHandler,
      options,
    });
    const session = this.session;
    if (session) await this.apply(session, d);
    return d;
  }

  /** @internal */
  forget(d: Declaration): void {
    if (d.kind === 'registration') this.registrations.delete(d as Declaration<Registration>);
    else this.subscriptions.delete(d as Declaration<Subscription>);
  }

  private declareRegistration(spec: RegistrationSpec): Declaration<Registration> {
    const d = new Declaration<Registration>(
      'registration',
      spec.procedure,
      spec.handler,
      spec.options ?? {},
      this,
    );
    this.registrations.add(d);
    return d;
  }

  private declareSubscription(spec: SubscriptionSpec): Declaration<Subscription> {
    const options = spec.options ?? {};
    const d = new Declaration<Subscription>(
      'subscription',
      spec.topic,
      spec.handler,
      options,
      this,
    );
    this.subscriptions.add(d);
    options.signal?.addEventListener('abort', () => void d.remove().catch(() => {}), {
      once: true,
    });
    return d;
  }

  /** Makes one declaration on a session, with its original options. */
  private async apply(session: Session, d: Declaration): Promise<void> {
    if (d.removed) return;
    if (d.kind === 'registration') {
      const reg = d as Declaration<Registration>;
      reg.current = await session.register(reg.uri, reg.handler, reg.options);
    } else {
      const sub = d as Declaration<Subscription>;
      if (sub.options.signal?.aborted) return;
      sub.current = await session.subscribe(sub.uri, sub.handler, sub.options);
    }
    // Removed while the router was answering: take it back.
    if (d.removed) await d.remove();
  }

  // ---------------------------------------------------------------------------------------------
  // Requests on the current session

  /** Calls on the joined session; rejects with NotConnectedError while not joined. */
  call<A extends unknown[] = unknown[], K extends Dict = Dict>(
    procedure: string,
    args?: unknown[],
    kwargs?: Dict,
    options?: CallOptions<A, K>,
  ): Promise<CallResult<A, K>> {
    const session = this.session;
    if (!session) return Promise.reject(new NotConnectedError(this.currentState));
    return session.call<A, K>(procedure, args, kwargs, options);
  }

  /** Publishes on the joined session; rejects with NotConnectedError while not joined. */
  publish<A extends unknown[] = unknown[], K extends Dict = Dict>(
    topic: string,
    args?: A,
    kwargs?: K,
    options?: PublishOptions,
  ): Promise<Publication | undefined> {
    const session = this.session;
    if (!session) return Promise.reject(new NotConnectedError(this.currentState));
    return session.publish(topic, args, kwargs, options);
  }

  // ---------------------------------------------------------------------------------------------
  // The connection loop

  private setState(state: ConnectionState, extra: Partial<ConnectionStateEvent> = {}): void {
    const event: ConnectionStateEvent = {
      ...extra,
      state,
      previous: this.currentState,
      failures: this.failures,
      at: Date.now(),
    };
    this.currentState = state;
    this.lastEvent = event;
    for (const q of this.stateQueues) {
      q.push(event);
      if (state === 'stopped' || state === 'failed') q.end();
    }
    if (state === 'stopped' || state === 'failed') this.stateQueues.clear();
    this.emit('state', event);
  }

  private isFatal(error: Error): boolean {
    return (this.options.isFatal ?? isFatalError)(error);
  }

  private reportHandlerError(error: unknown, context: string): void {
    const report = this.options.session?.onHandlerError;
    if (report) report(error, context);
    else console.error(`wampkit: ${context} threw`, error);
  }

  private async run(stop: AbortSignal, joinedFirst: (s: Session) => void): Promise<void> {
    this.failures = 0;
    const reconnect = this.options.reconnect;
    const maxRetries = reconnect === false ? 0 : (reconnect?.maxRetries ?? Infinity);
    let lastError: Error | undefined;
    for (;;) {
      if (stop.aborted) break;
      const opened = await this.openFirst(stop);
      if (stop.aborted) {
        if ('session' in opened) opened.session.leave().catch(() => {});
        break;
      }
      if ('fatal' in opened) {
        this.setState('failed', { error: opened.fatal });
        return;
      }
      if ('error' in opened) {
        lastError = opened.error;
        this.failures++;
      } else {
        const lost = await this.joinedPhase(
          opened.session,
          opened.transport,
          opened.name,
          stop,
          joinedFirst,
        );
        if (stop.aborted) break;
        lastError = lost.error;
        if (lost.restoreFailed) this.failures++;
        else if (reconnect === false) {
          this.setState('failed', { error: lastError });
          return;
        }
      }
      if (this.failures > maxRetries) {
        this.setState('failed', { error: lastError ?? new NotConnectedError('failed') });
        return;
      }
      // Retry n (0-based) waits up to initialDelay * multiplier^n; a fresh loss retries soon.
      const delay = backoffDelay(Math.max(0, this.failures - 1), reconnect || {});
      const waiting: Partial<ConnectionStateEvent> = { delay };
      if (lastError) waiting.error = lastError;
      this.setState('waiting', waiting);
      await sleep(delay, stop);
    }
    this.setState('stopped');
  }

  /** Tries every transport in order; the first one that opens and joins wins. */
  private async openFirst(
    stop: AbortSignal,
  ): Promise<
    { session: Session; transport: Transport; name: string } | { error: Error } | { fatal: Error }
  > {
    let error: Error = new NotConnectedError('connecting');
    for (const entry of this.transports) {
      if (stop.aborted) break;
      this.setState('connecting', { transport: entry.name });
      try {
        const { session, transport } = await this.open(entry, stop);
        return { session, transport, name: entry.name };
      } catch (e) {
        if (stop.aborted) break;
        error = asError(e);
        this.emit('error', error, entry.name);
        if (this.isFatal(error)) return { fatal: error };
      }
    }
    return { error };
  }

  private async open(
    entry: TransportEntry,
    stop: AbortSignal,
  ): Promise<{ session: Session; transport: Transport }> {
    const timeout = this.options.joinTimeout ?? 10_000;
    const deadline = new AbortController();
    const timer = setTimeout(
      () =>
        deadline.abort(
          new ConnectTimeoutError(
            `${entry.name}: connecting and joining took longer than ${timeout} ms`,
          ),
        ),
      timeout,
    );
    const signal = AbortSignal.any([stop, deadline.signal]);
    try {
      const transport = await entry.connect(signal);
      let perJoin: Partial<Omit<SessionOptions, 'realm'>> | undefined;
      try {
        perJoin = this.options.sessionFor?.(transport);
      } catch (e) {
        transport.close(1000, 'invalid session options');
        throw e;
      }
      const session = await joinSession(transport, {
        ...this.options.session,
        ...perJoin,
        realm: this.options.realm,
        signal,
      });
      return { session, transport };
    } catch (e) {
      if (deadline.signal.aborted) throw deadline.signal.reason;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Restores the declarations, reports `joined`, and waits for the session to end. */
  private async joinedPhase(
    session: Session,
    transport: Transport,
    name: string,
    stop: AbortSignal,
    joinedFirst: (s: Session) => void,
  ): Promise<{ error: Error | undefined; restoreFailed: boolean }> {
    this.current = session;
    const keepalive = this.options.keepalive ?? DEFAULT_KEEPALIVE;
    if (keepalive !== false && !transport.keepalive && keepalive.interval > 0) {
      startSessionProbe(session, transport, keepalive);
    }
    try {
      await Promise.all(
        [...this.registrations, ...this.subscriptions].map((d) => this.apply(session, d)),
      );
    } catch (e) {
      const error = asError(e);
      this.emit('error', error, name);
      if (session.state !== 'closed') await session.leave('wamp.close.normal', 'restore failed');
      this.current = undefined;
      return { error, restoreFailed: true };
    }
    if (stop.aborted || session.state !== 'established') {
      const info = await session.closed;
      this.current = undefined;
      return { error: info.error ?? new SessionClosedError(info), restoreFailed: true };
    }
    this.failures = 0;
    this.setState('joined', { transport: name, session });
    joinedFirst(session);
    this.emit('join', session);
    if (this.options.onJoin) {
      try {
        await this.options.onJoin(session);
      } catch (e) {
        this.emit('error', asError(e), name);
      }
    }
    const info = await session.closed;
    this.current = undefined;
    for (const d of [...this.registrations, ...this.subscriptions]) d.current = undefined;
    this.emit('leave', session, info);
    if (this.options.onLeave) {
      try {
        this.options.onLeave(session, info);
      } catch (e) {
        this.reportHandlerError(e, 'onLeave');
      }
    }
    return { error: info.error ?? new SessionClosedError(info), restoreFailed: false };
  }
}
