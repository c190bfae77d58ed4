/**
 * The WAMP client session: a sans-IO state machine (spec wamp.md "Sessions", the state chart and
 * "Protocol Errors"; rfc/session-state-machine.md). Messages come in through `receive()` and go
 * out through the `SessionLink`; it owns no socket. The only timers are the optional client call
 * timeout and the GOODBYE wait in `leave()`.
 *
 * States: idle -> establishing (HELLO sent; CHALLENGE/AUTHENTICATE rounds) -> established ->
 * shutting-down (GOODBYE sent) -> closed. Any message the current state does not allow aborts
 * the session with `wamp.error.protocol_violation` and a reason naming the message.
 *
 * This file is the public entry point and the dispatcher: joining is handshake.ts, what the
 * session parts share (pending requests, send gate, closing) is session-core.ts, and the four
 * client roles are roles/caller.ts, roles/callee.ts, roles/publisher.ts, roles/subscriber.ts.
 */
import {
  type Dict,
  type ErrorMessage,
  ProtocolViolationError,
  type WampMessage,
} from '@wampkit/serializers';
import { type CloseInfo, InvalidStateError } from './errors.js';
import { abortedByRouter, Handshake } from './handshake.js';
import { RequestIdSequence } from './ids.js';
import { ERROR_KIND, REPLY_KIND } from './pending-requests.js';
import type { InvocationHandler, Registration, RegistrationOwner } from './registration.js';
import { CallWriter } from './roles/call-writer.js';
import { Callee } from './roles/callee.js';
import { Caller, type PendingCall, type ResultSink } from './roles/caller.js';
import { Publisher } from './roles/publisher.js';
import { Subscriber } from './roles/subscriber.js';
import { SessionCore } from './session-core.js';
import type { SessionLink, SessionOptions, SessionState } from './session-options.js';
import type { EventHandler, Subscription, SubscriptionOwner } from './subscription.js';
import type {
  CallOptions,
  CallResult,
  CancelMode,
  ProgressiveCallOptions,
  Publication,
  PublishOptions,
  RegisterOptions,
  SubscribeOptions,
} from './types.js';
import { applicationError } from './wire.js';

/** Messages only a client sends: receiving one from the router is a protocol violation. */
const CLIENT_ONLY = new Set([
  'HELLO',
  'AUTHENTICATE',
  'CALL',
  'CANCEL',
  'YIELD',
  'REGISTER',
  'UNREGISTER',
  'PUBLISH',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'EVENT_RECEIVED',
]);

/** The options of a call made without any (read only, never changed). */
const NO_CALL_OPTIONS: CallOptions<never, never> = Object.freeze({});

/** A WAMP client session (sans-IO): caller, callee, publisher and subscriber on one joined realm. Obtain one with connect() or joinSession(). */
export class Session implements SubscriptionOwner, RegistrationOwner, AsyncDisposable {
  /** Session id from WELCOME (0 before). */
  id = 0;
  readonly realm: string;
  /** WELCOME.Details. */
  details: Dict = {};
  /** Resolves once, when the session has ended (never rejects). */
  readonly closed: Promise<CloseInfo>;

  private readonly core: SessionCore;
  private readonly handshake: Handshake<Session>;
  private readonly caller: Caller;
  private readonly publisher: Publisher;
  /** Created on first use (a caller-only session never needs them): with their maps and close
   * hooks they are a good part of an idle session's heap (`pnpm bench scale`). */
  private calleeRole: Callee | undefined;
  private subscriberRole: Subscriber | undefined;

  constructor(link: SessionLink, options: SessionOptions, requestIds = new RequestIdSequence()) {
    this.realm = options.realm;
    this.core = new SessionCore(link, options, requestIds, this);
    this.closed = this.core.closed;
    this.handshake = new Handshake<Session>(this.core, {
      welcomed: (id, details) => {
        this.id = id;
        this.details = details;
        return this;
      },
    });
    this.caller = new Caller(this.core);
    this.publisher = new Publisher(this.core);
  }

  private get callee(): Callee {
    if (this.calleeRole === undefined) this.calleeRole = new Callee(this.core, this);
    return this.calleeRole;
  }

  private get subscriber(): Subscriber {
    if (this.subscriberRole === undefined) this.subscriberRole = new Subscriber(this.core, this);
    return this.subscriberRole;
  }

  get state(): SessionState {
    return this.core.state;
  }

  /** Whether the session is joined and usable. */
  get isOpen(): boolean {
    return this.core.state === 'established';
  }

  get authid(): string | undefined {
    return typeof this.details.authid === 'string' ? this.details.authid : undefined;
  }

  get authrole(): string | undefined {
    return typeof this.details.authrole === 'string' ? this.details.authrole : undefined;
  }

  /** Whether the router announced WELCOME.Details.roles.<role>.features.<feature>. */
  routerFeature(role: 'broker' | 'dealer', feature: string): boolean {
    return this.core.routerFeature(role, feature);
  }

  /** Bytes serialized but not yet taken by the transport (0 when the link does not say). Calls
   * and publications wait while it is at `maxSendQueueBytes`. */
  get bufferedAmount(): number {
    return this.core.link.bufferedAmount ?? 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Driver side: join, receive, transport drained or closed

  /** Sends HELLO (spec wamp.md "HELLO") and resolves on WELCOME; rejects on ABORT or close. */
  join(): Promise<Session> {
    if (this.core.state !== 'idle') {
      return Promise.reject(new InvalidStateError(`cannot join in state ${this.core.state}`));
    }
    return this.handshake.hello();
  }

  /** One message from the router. */
  receive(msg: WampMessage): void {
    try {
      this.dispatch(msg);
    } catch (e) {
      if (e instanceof ProtocolViolationError) this.core.violation(e.message);
      else throw e;
    }
  }

  /** The driver could not decode the router's bytes (spec: "Catching error during decoding"). */
  receiveInvalid(error: ProtocolViolationError): void {
    if (this.core.state === 'closed') return;
    this.core.violation(`invalid message from the router: ${error.message}`, error);
  }

  /** The transport closed (or was lost). */
  transportClosed(error?: Error): void {
    this.core.transportClosed(error);
  }

  /** The link's send queue shrank: calls and publications waiting for room go out, in order. */
  transportDrained(): void {
    this.core.gate.release();
  }

  /** Closes the session with GOODBYE (spec wamp.md "GOODBYE") and waits for the router's reply. */
  leave(reason = 'wamp.close.normal', message?: string): Promise<CloseInfo> {
    return this.core.leave(reason, message);
  }

  /** Leaves the realm (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.leave();
  }

  // ---------------------------------------------------------------------------------------------
  // Dispatch

  private dispatch(msg: WampMessage): void {
    switch (this.core.state) {
      case 'established':
        this.dispatchEstablished(msg);
        return;
      case 'idle':
        throw new ProtocolViolationError(`received ${msg.type} before HELLO was sent`);
      case 'closed':
        return;
      case 'shutting-down':
        // Transition 14: only GOODBYE (the reply) and ABORT matter now.
        if (msg.type === 'GOODBYE') {
          this.core.finish({
            reason: msg.reason,
            details: msg.details,
            initiator: 'local',
            clean: true,
          });
        } else if (msg.type === 'ABORT') {
          abortedByRouter(this.core, msg);
        }
        return;
      case 'establishing':
        this.handshake.receive(msg);
        return;
    }
  }

  private dispatchEstablished(msg: WampMessage): void {
    // The messages of calls and events first: a switch on strings tests its cases in order.
    switch (msg.type) {
      case 'RESULT':
        this.caller.onResult(msg);
        return;
      case 'EVENT':
        this.subscriber.onEvent(msg);
        return;
      case 'INVOCATION':
        this.callee.onInvocation(msg);
        return;
      case 'WELCOME':
      case 'CHALLENGE':
        throw new ProtocolViolationError(`received ${msg.type} after the session was established`);
      case 'ABORT':
        abortedByRouter(this.core, msg);
        return;
      case 'GOODBYE':
        // Router-initiated close: answer GOODBYE (spec wamp.md "GOODBYE").
        this.core.sendQuietly({
          type: 'GOODBYE',
          details: {},
          reason: 'wamp.close.goodbye_and_out',
        });
        this.core.finish({
          reason: msg.reason,
          details: msg.details,
          initiator: 'remote',
          clean: true,
        });
        return;
      case 'ERROR':
        this.onError(msg);
        return;
      case 'INTERRUPT':
        this.callee.onInterrupt(msg.request, msg.options);
        return;
      case 'UNSUBSCRIBED':
        if (msg.request === 0) this.subscriber.onRevoked(msg.details ?? {});
        else this.core.pending.take(msg.type, msg.request, REPLY_KIND[msg.type]).resolve(msg);
        return;
      case 'UNREGISTERED':
        if (msg.request === 0) this.callee.onRevoked(msg.details ?? {});
        else this.core.pending.take(msg.type, msg.request, REPLY_KIND[msg.type]).resolve(msg);
        return;
      case 'SUBSCRIBED':
      case 'PUBLISHED':
      case 'REGISTERED':
        this.core.pending.take(msg.type, msg.request, REPLY_KIND[msg.type]).resolve(msg);
        return;
      default:
        if (CLIENT_ONLY.has(msg.type)) {
          throw new ProtocolViolationError(`received ${msg.type}, which only a client sends`);
        }
        throw new ProtocolViolationError(`received unexpected ${msg.type}`);
    }
  }

  /** ERROR answering one of our requests (spec wamp.md "ERROR"). */
  private onError(msg: ErrorMessage): void {
    const kind = ERROR_KIND.get(msg.requestType);
    if (kind === undefined) {
      throw new ProtocolViolationError(
        `received ERROR with request type ${msg.requestType}, which a router cannot answer with`,
      );
    }
    if (kind === 'call') this.caller.onError(msg);
    else this.core.pending.take('ERROR', msg.request, kind).reject(applicationError(msg));
  }

  // ---------------------------------------------------------------------------------------------
  // Caller (roles/caller.ts)

  /** Calls a procedure; resolves with the final RESULT. */
  call<A extends unknown[] = unknown[], K extends Dict = Dict>(
    procedure: string,
    args?: unknown[],
    kwargs?: Dict,
    options: CallOptions<A, K> = NO_CALL_OPTIONS as CallOptions<A, K>,
  ): Promise<CallResult<A, K>> {
    return this.caller.call(procedure, args, kwargs, options);
  }

  /**
   * Calls a procedure with progressive results: yields every progressive RESULT and then the
   * final one (`progress: false`). Leaving the loop early cancels the call (killnowait).
   */
  callProgressive<A extends unknown[] = unknown[], K extends Dict = Dict>(
    procedure: string,
    args?: unknown[],
    kwargs?: Dict,
    options: ProgressiveCallOptions<A, K> = {},
  ): AsyncIterableIterator<CallResult<A, K>> {
    return this.caller.callProgressive(procedure, args, kwargs, options);
  }

  /**
   * Starts a call whose arguments are sent in chunks (wamp-ap.md "Progressive Call
   * Invocations"): `send()` each chunk, `end()` with the last one.
   */
  openCall<A extends unknown[] = unknown[], K extends Dict = Dict>(
    procedure: string,
    options: CallOptions<A, K> = {},
  ): CallWriter<A, K> {
    this.core.requireRouterFeature('dealer', 'progressive_call_invocations');
    return new CallWriter<A, K>(this, procedure, options);
  }

  /** @internal Registers a pending call (CALL is sent by sendCall). */
  startCall(
    procedure: string,
    options: CallOptions<never, never>,
    sink: ResultSink,
    receiveProgress: boolean,
  ): PendingCall {
    return this.caller.start(procedure, options, sink, receiveProgress);
  }

  /** @internal Sends one CALL for a pending call (progress: a chunk of a progressive invocation). */
  sendCall(
    p: PendingCall,
    options: CallOptions<never, never>,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
    progress: boolean,
  ): void {
    this.caller.send(p, options, args, kwargs, progress);
  }

  /** @internal Cancels a pending call (wamp-ap.md "Call Canceling"). */
  cancelCall(p: PendingCall, mode: CancelMode, error: Error): void {
    this.caller.cancel(p, mode, error);
  }

  // ---------------------------------------------------------------------------------------------
  // Publisher (roles/publisher.ts)

  /**
   * Publishes an event. With `acknowledge`, resolves with the publication id once the broker
   * sent PUBLISHED (or rejects with its ERROR); otherwise resolves once sent.
   */
  publish<A extends unknown[] = unknown[], K extends Dict = Dict>(
    topic: string,
    args?: A,
    kwargs?: K,
    options: PublishOptions = {},
  ): Promise<Publication | undefined> {
    return this.publisher.publish(topic, args, kwargs, options);
  }

  // ---------------------------------------------------------------------------------------------
  // Subscriber (roles/subscriber.ts)

  /**
   * Subscribes to a topic. With a handler, events go to it; without, read them with
   * `for await (const event of subscription)` (bounded buffer, see SubscribeOptions).
   */
  subscribe<A extends unknown[] = unknown[], K extends Dict = Dict>(
    topic: string,
    handler?: EventHandler<A, K>,
    options: SubscribeOptions = {},
  ): Promise<Subscription<A, K>> {
    return this.subscriber.subscribe(topic, handler, options);
  }

  /** @internal */
  unsubscribeHandle(sub: Subscription<never, never>): Promise<void> {
    return this.subscriber.unsubscribe(sub);
  }

  // ---------------------------------------------------------------------------------------------
  // Callee (roles/callee.ts)

  /** Registers a procedure (spec wamp.md "Registering and Unregistering"). */
  register<A extends unknown[] = unknown[], K extends Dict = Dict>(
    procedure: string,
    handler: InvocationHandler<A, K>,
    options: RegisterOptions = {},
  ): Promise<Registration> {
    return this.callee.register(procedure, handler, options);
  }

  /** @internal */
  unregisterHandle(reg: Registration): Promise<void> {
    return this.callee.unregister(reg);
  }

  // ---------------------------------------------------------------------------------------------

  /** @internal */
  reportHandlerError(error: unknown, context: string): void {
    this.core.reportHandlerError(error, context);
  }

  /** @internal Number of pending requests, sent or still waiting to be (tests check that nothing
   * leaks). */
  get pendingCount(): number {
    return this.core.outstanding;
  }
}
