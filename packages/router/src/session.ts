/**
 * The router side of one WAMP session on one connection (spec basic "Sessions", "Protocol
 * Errors", rfc/session-state-machine.md): the opening handshake through the authenticator hook,
 * dispatch of established-session messages to the realm's broker and dealer, closing (GOODBYE
 * either way, ABORT), strict handling of anything unexpected, and the bounded send path.
 */
import {
  type Dict,
  MessageCode,
  ProtocolViolationError,
  type Serializer,
  type SerializerId,
  utf8Length,
  type WampMessage,
} from '@wampkit/serializers';
import type { AuthDecision, Authenticator } from './auth.js';
import type { AuthorizationRequest, AuthorizedAction } from './authorization.js';
import type { Call } from './dealer.js';
import { ClientFeatures } from './features.js';
import { nextSessionScopeId } from './ids.js';
import { matchOf } from './options.js';
import type { Realm } from './realm.js';
import type { Registration, Subscription } from './records.js';
import type { CloseReason, PeerConnection, PeerHandler, TransportInfo } from './transport.js';
import type { MatchPolicy } from './uri-match.js';

/** What a session needs from the router that owns it. */
export interface SessionHost {
  readonly authenticator: Authenticator;
  readonly maxQueueBytes: number;
  readonly strictRequestIds: boolean;
  readonly goodbyeTimeoutMs: number;
  readonly agent: string;
  readonly roles: Dict;
  /** The realm to join, or undefined when it does not exist and cannot be created. */
  realmFor(name: string): Realm | undefined;
  newSessionId(): number;
  releaseSessionId(id: number): void;
  log(level: 'info' | 'warn', message: string): void;
  /** Whether an established session may do `action` on a URI (spec advanced "Authorization"). */
  authorize(request: AuthorizationRequest): boolean;
  sessionOpened(session: RouterSession): void;
  sessionClosed(session: RouterSession): void;
}

export type SessionState =
  /** Waiting for HELLO (a fresh connection, or after a GOODBYE exchange). */
  | 'hello'
  /** Waiting for the authenticator's decision. */
  | 'authenticating'
  /** CHALLENGE sent, waiting for AUTHENTICATE. */
  | 'challenged'
  | 'established'
  /** GOODBYE sent by the router, waiting for the client's GOODBYE. */
  | 'closing'
  | 'closed';

export class RouterSession {
  /** Global-scope session ID; 0 until WELCOME. */
  id = 0;
  realm: Realm | null = null;
  authid = '';
  authrole = '';
  authmethod = '';
  authprovider = '';
  authextra: Dict | undefined;
  features = new ClientFeatures({});
  state: SessionState = 'hello';
  /** Last session-scope request ID received (client to router). */
  lastRequestId = 0;
  /** Last INVOCATION request ID sent (router to client). */
  lastInvocationId = 0;
  /** Dealer state: calls this session made, by CALL.Request. */
  readonly calls = new Map<number, Call>();
  /** Dealer state: invocations sent to this session, by INVOCATION.Request. */
  readonly invocations = new Map<number, Call>();
  readonly registrations = new Set<Registration>();
  readonly subscriptions = new Set<Subscription>();
  readonly handler: PeerHandler;
  private helloDetails: Dict = {};
  private helloRealm = '';
  private challenge: { authmethod: string; extra: Dict; state?: unknown } | null = null;
  /** Session ID allocated at HELLO (WAMP-CRA signs it), used by WELCOME; 0 when none is held. */
  private reservedId = 0;
  private goodbyeTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped on every state reset, so a late authenticator answer is recognized as stale. */
  private epoch = 0;

  constructor(
    private readonly host: SessionHost,
    readonly conn: PeerConnection,
  ) {
    this.handler = {
      message: (data) => this.receive(data),
      closed: () => this.transportClosed(),
    };
  }

  get serializer(): Serializer {
    return this.conn.serializer;
  }

  get transport(): TransportInfo {
    return this.conn.info;
  }

  get strictRequestIds(): boolean {
    return this.host.strictRequestIds;
  }

  get isOpen(): boolean {
    return this.state === 'established';
  }

  /** Session details as the session meta-API reports them. */
  info(): Dict {
    const d: Dict = {
      session: this.id,
      authid: this.authid,
      authrole: this.authrole,
      authmethod: this.authmethod,
      authprovider: this.authprovider,
      transport: { ...this.conn.info },
    };
    if (this.authextra !== undefined) d.authextra = this.authextra;
    return d;
  }

  // ---- sending ---------------------------------------------------------------------------

  /**
   * Serializes and sends. Returns false when the message could not be sent: the session is not
   * open for sending, the message is not representable in this session's serializer, or the
   * send queue overflowed (then the connection is dropped).
   */
  send(msg: WampMessage): boolean {
    if (this.state === 'closed') return false;
    let data: string | Uint8Array;
    try {
      data = this.conn.serializer.serialize(msg);
    } catch (e) {
      this.host.log(
        'warn',
        `session ${this.id}: cannot serialize ${msg.type} as ${this.conn.serializer.id}: ${(e as Error).message}`,
      );
      return false;
    }
    return this.sendData(data);
  }

  /** Sends a message serialized once per serializer (event fan-out). */
  sendShared(msg: WampMessage, cache: Map<SerializerId, string | Uint8Array | null>): boolean {
    if (this.state === 'closed') return false;
    const id = this.conn.serializer.id;
    let data = cache.get(id);
    if (data === undefined) {
      try {
        data = this.conn.serializer.serialize(msg);
      } catch (e) {
        this.host.log('warn', `cannot serialize ${msg.type} as ${id}: ${(e as Error).message}`);
        data = null;
      }
      cache.set(id, data);
    }
    return data === null ? false : this.sendData(data);
  }

  private sendData(data: string | Uint8Array): boolean {
    const limit = this.conn.maxMessageBytes;
    if (limit !== undefined) {
      // RawSocket: the peer announced the longest message it accepts (spec advanced
      // "RawSocket Transport", Serialization); a longer one is not sent and the caller of
      // send() reacts as for an unserializable message (e.g. an ERROR to the caller).
      const length = typeof data === 'string' ? utf8Length(data) : data.byteLength;
      if (length > limit) {
        this.host.log(
          'warn',
          `session ${this.id}: message of ${length} bytes exceeds the peer's limit of ${limit}; not sent`,
        );
        return false;
      }
    }
    this.conn.send(data);
    // DESIGN.md principle 7: the per-session send queue is bounded. A peer that does not read
    // is disconnected rather than allowed to grow the router's memory.
    if (this.conn.bufferedAmount > this.host.maxQueueBytes) {
      this.host.log(
        'warn',
        `session ${this.id}: send queue ${this.conn.bufferedAmount} bytes exceeds ${this.host.maxQueueBytes}; disconnecting`,
      );
      this.overflowed();
      return false;
    }
    return true;
  }

  // ---- receiving -------------------------------------------------------------------------

  private receive(data: string | Uint8Array): void {
    if (this.state === 'closed') return;
    let msg: WampMessage;
    try {
      msg = this.conn.serializer.unserialize(data);
    } catch (e) {
      const reason = e instanceof ProtocolViolationError ? e.message : String(e);
      this.protocolViolation(`malformed message: ${reason}`);
      return;
    }
    try {
      this.dispatch(msg);
    } catch (e) {
      if (e instanceof ProtocolViolationError) {
        this.protocolViolation(e.message);
        return;
      }
      // A router bug must not take the process down; the offending session is closed.
      this.host.log(
        'warn',
        `session ${this.id}: internal error on ${msg.type}: ${(e as Error).stack}`,
      );
      this.abort('wamp.error.internal_error', 'internal router error', 'protocol-violation');
    }
  }

  private dispatch(msg: WampMessage): void {
    switch (this.state) {
      case 'hello':
        if (msg.type === 'HELLO') this.onHello(msg.realm, msg.details);
        else if (msg.type === 'ABORT') this.terminate('normal');
        else this.protocolViolation(`received ${msg.type} before HELLO`);
        return;
      case 'authenticating':
        if (msg.type === 'ABORT') this.terminate('normal');
        else this.protocolViolation(`received ${msg.type} while authenticating`);
        return;
      case 'challenged':
        if (msg.type === 'AUTHENTICATE') this.onAuthenticate(msg.signature, msg.extra);
        else if (msg.type === 'ABORT') this.terminate('normal');
        else this.protocolViolation(`received ${msg.type}, expected AUTHENTICATE`);
        return;
      case 'closing':
        // Spec basic "GOODBYE": after sending GOODBYE, ignore all but the answering GOODBYE.
        if (msg.type === 'GOODBYE' || msg.type === 'ABORT') this.terminate('normal');
        return;
      case 'closed':
        return;
      case 'established':
        this.dispatchEstablished(msg);
        return;
    }
  }

  private dispatchEstablished(msg: WampMessage): void {
    const realm = this.realm!;
    switch (msg.type) {
      case 'SUBSCRIBE':
        this.checkNewRequestId(msg.request, msg.type);
        if (this.refused('subscribe', msg.topic, matchOf(msg.options), msg)) return;
        realm.broker.subscribe(this, msg);
        return;
      case 'UNSUBSCRIBE':
        this.checkNewRequestId(msg.request, msg.type);
        realm.broker.unsubscribe(this, msg);
        return;
      case 'PUBLISH':
        this.checkNewRequestId(msg.request, msg.type);
        if (this.refused('publish', msg.topic, 'exact', msg)) return;
        realm.broker.publish(this, msg);
        return;
      case 'REGISTER':
        this.checkNewRequestId(msg.request, msg.type);
        if (this.refused('register', msg.procedure, matchOf(msg.options), msg)) return;
        realm.dealer.register(this, msg);
        return;
      case 'UNREGISTER':
        this.checkNewRequestId(msg.request, msg.type);
        realm.dealer.unregister(this, msg);
        return;
      case 'CALL':
        // Only a new call is authorized; chunks of a progressive call in flight, and IDs the
        // dealer discards or rejects as not sequential, go to the dealer as they are.
        if (
          !this.calls.has(msg.request) &&
          (!this.host.strictRequestIds || msg.request === nextSessionScopeId(this.lastRequestId)) &&
          !this.authorized('call', msg.procedure, 'exact')
        ) {
          this.checkNewRequestId(msg.request, msg.type);
          this.notAuthorized(msg, 'call', msg.procedure);
          return;
        }
        realm.dealer.call(this, msg);
        return;
      case 'CANCEL':
        realm.dealer.cancel(this, msg);
        return;
      case 'YIELD':
        realm.dealer.yield(this, msg);
        return;
      case 'ERROR':
        if (msg.requestType !== 68) {
          this.protocolViolation(
            `ERROR for message type ${msg.requestType}: a client only sends ERROR for INVOCATION (68)`,
          );
          return;
        }
        realm.dealer.invocationError(this, msg);
        return;
      case 'GOODBYE':
        // Spec basic "GOODBYE": answer, and the session is over; the connection may carry a new one.
        this.send({ type: 'GOODBYE', details: {}, reason: 'wamp.close.goodbye_and_out' });
        this.leaveRealm();
        this.state = 'hello';
        this.epoch++;
        return;
      case 'ABORT':
        this.terminate('normal');
        return;
      default:
        this.protocolViolation(`unexpected ${msg.type} message from a client`);
        return;
    }
  }

  private authorized(action: AuthorizedAction, uri: string, match: MatchPolicy): boolean {
    return this.host.authorize({
      realm: this.realm!.name,
      session: this,
      action,
      uri,
      match,
    });
  }

  /** Authorization of a SUBSCRIBE, PUBLISH or REGISTER; answers a refusal. */
  private refused(
    action: AuthorizedAction,
    uri: string,
    match: MatchPolicy,
    msg: { type: 'SUBSCRIBE' | 'PUBLISH' | 'REGISTER'; request: number; options: Dict },
  ): boolean {
    if (this.authorized(action, uri, match)) return false;
    this.notAuthorized(msg, action, uri);
    return true;
  }

  /**
   * ERROR `wamp.error.not_authorized` (spec advanced "Authorization"); for PUBLISH only when
   * the publication asked for an acknowledgement.
   */
  private notAuthorized(
    msg: { type: 'SUBSCRIBE' | 'PUBLISH' | 'REGISTER' | 'CALL'; request: number; options: Dict },
    action: AuthorizedAction,
    uri: string,
  ): void {
    if (msg.type === 'PUBLISH' && msg.options.acknowledge !== true) return;
    this.send({
      type: 'ERROR',
      requestType: MessageCode[msg.type],
      request: msg.request,
      details: {},
      error: 'wamp.error.not_authorized',
      args: [`authrole ${this.authrole} may not ${action} ${uri}`],
    });
  }

  /**
   * Session-scope request IDs of new requests must be sequential (spec basic "Protocol Errors").
   * Throws ProtocolViolationError.
   */
  checkNewRequestId(request: number, type: string): void {
    const expected = nextSessionScopeId(this.lastRequestId);
    if (this.host.strictRequestIds && request !== expected) {
      throw new ProtocolViolationError(
        `${type} request ID ${request} is not sequential (expected ${expected})`,
      );
    }
    this.lastRequestId = request;
  }

  // ---- opening handshake -----------------------------------------------------------------

  private onHello(realmName: string, details: Dict): void {
    const features = new ClientFeatures(details);
    if (features.announcedRoles().length === 0) {
      this.protocolViolation(
        'HELLO announces none of the roles publisher, subscriber, caller, callee',
      );
      return;
    }
    if (this.host.realmFor(realmName) === undefined) {
      this.abort('wamp.error.no_such_realm', `no realm "${realmName}" on this router`, 'normal');
      return;
    }
    this.features = features;
    this.helloDetails = details;
    this.helloRealm = realmName;
    this.state = 'authenticating';
    this.releaseReservedId();
    this.reservedId = this.host.newSessionId();
    const request = {
      realm: realmName,
      details,
      transport: { ...this.conn.info, ...this.conn.authInfo },
      sessionId: this.reservedId,
    };
    this.decide(() => this.host.authenticator.hello(request));
  }

  private onAuthenticate(signature: string, extra: Dict): void {
    const authenticate = this.host.authenticator.authenticate;
    const challenge = this.challenge!;
    this.state = 'authenticating';
    if (authenticate === undefined) {
      this.abort('wamp.error.authentication_failed', 'unexpected AUTHENTICATE', 'normal');
      return;
    }
    const request = {
      realm: this.helloRealm,
      details: this.helloDetails,
      transport: { ...this.conn.info, ...this.conn.authInfo },
      sessionId: this.reservedId,
      signature,
      extra,
      challenge,
    };
    this.decide(() => authenticate.call(this.host.authenticator, request));
  }

  private decide(step: () => AuthDecision | Promise<AuthDecision>): void {
    const epoch = this.epoch;
    const fail = (e: unknown): void => {
      if (this.epoch !== epoch || this.state !== 'authenticating') return;
      this.host.log('warn', `authenticator failed: ${(e as Error)?.message ?? e}`);
      this.abort('wamp.error.authentication_failed', 'authentication failed', 'normal');
    };
    let decision: AuthDecision | Promise<AuthDecision>;
    try {
      decision = step();
    } catch (e) {
      fail(e);
      return;
    }
    if (decision instanceof Promise) {
      decision.then((d) => {
        if (this.epoch === epoch && this.state === 'authenticating') this.apply(d);
      }, fail);
    } else {
      this.apply(decision);
    }
  }

  private apply(d: AuthDecision): void {
    if (d.kind === 'abort') {
      this.abort(d.reason, d.message, 'normal');
      return;
    }
    if (d.kind === 'challenge') {
      if (this.host.authenticator.authenticate === undefined) {
        this.abort('wamp.error.authentication_failed', 'authenticator cannot verify', 'normal');
        return;
      }
      this.challenge = { authmethod: d.authmethod, extra: d.extra, state: d.state };
      this.state = 'challenged';
      this.send({ type: 'CHALLENGE', authMethod: d.authmethod, extra: d.extra });
      return;
    }
    const realm = this.host.realmFor(this.helloRealm);
    if (realm === undefined) {
      this.abort('wamp.error.no_such_realm', `no realm "${this.helloRealm}"`, 'normal');
      return;
    }
    this.challenge = null;
    this.id = this.reservedId;
    this.reservedId = 0;
    this.authid = d.authid;
    this.authrole = d.authrole;
    this.authmethod = d.authmethod;
    this.authprovider = d.authprovider;
    this.authextra = d.authextra;
    this.lastRequestId = 0;
    this.lastInvocationId = 0;
    const details: Dict = {
      realm: realm.name,
      authid: d.authid,
      authrole: d.authrole,
      authmethod: d.authmethod,
      authprovider: d.authprovider,
      roles: this.host.roles,
      agent: this.host.agent,
    };
    if (d.authextra !== undefined) details.authextra = d.authextra;
    this.state = 'established';
    this.realm = realm;
    this.host.sessionOpened(this);
    if (!this.send({ type: 'WELCOME', session: this.id, details })) return;
    realm.attach(this);
  }

  // ---- closing ---------------------------------------------------------------------------

  /**
   * Router-initiated close of an established session (spec basic "GOODBYE"): GOODBYE, then the
   * session leaves the realm at once; the connection closes on the client's GOODBYE or a timeout.
   */
  goodbye(reason: string, message?: string): void {
    if (this.state !== 'established') return;
    const details: Dict = message === undefined ? {} : { message };
    if (!this.send({ type: 'GOODBYE', details, reason })) return; // overflowed: already closed
    this.leaveRealm();
    this.state = 'closing';
    this.goodbyeTimer = setTimeout(() => this.terminate('normal'), this.host.goodbyeTimeoutMs);
    this.goodbyeTimer.unref?.();
  }

  /** ABORT with `wamp.error.protocol_violation`; the session and connection end. */
  protocolViolation(message: string): void {
    this.host.log('info', `session ${this.id || '(joining)'}: protocol violation: ${message}`);
    this.abort('wamp.error.protocol_violation', message, 'protocol-violation');
  }

  /** Sends ABORT, ends the session, closes the connection. */
  abort(reason: string, message: string | undefined, close: CloseReason): void {
    if (this.state === 'closed') return;
    this.send({ type: 'ABORT', details: message === undefined ? {} : { message }, reason });
    this.terminate(close);
  }

  /** Ends the session (if joined) and closes the connection. */
  terminate(reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.leaveRealm();
    this.releaseReservedId();
    this.state = 'closed';
    this.epoch++;
    if (this.goodbyeTimer !== null) clearTimeout(this.goodbyeTimer);
    this.conn.close(reason);
  }

  /**
   * The send queue overflowed: stop sending at once and drop the connection; the realm is left
   * in a microtask so that a fan-out loop in progress is not modified under its feet.
   */
  private overflowed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.epoch++;
    if (this.goodbyeTimer !== null) clearTimeout(this.goodbyeTimer);
    this.conn.close('overflow');
    this.releaseReservedId();
    queueMicrotask(() => this.leaveRealm());
  }

  /** Gives back a session ID allocated at HELLO that no WELCOME used. */
  private releaseReservedId(): void {
    if (this.reservedId === 0) return;
    this.host.releaseSessionId(this.reservedId);
    this.reservedId = 0;
  }

  private transportClosed(): void {
    this.leaveRealm();
    this.releaseReservedId();
    this.state = 'closed';
    this.epoch++;
    if (this.goodbyeTimer !== null) clearTimeout(this.goodbyeTimer);
  }

  /** Leaves the realm: every registration, subscription and pending call is disposed of. */
  private leaveRealm(): void {
    const realm = this.realm;
    if (realm === null) return;
    this.realm = null;
    // Nothing more is sent to a session that is leaving (not even its own meta-events).
    this.state = 'closed';
    realm.detach(this);
    this.host.sessionClosed(this);
    this.host.releaseSessionId(this.id);
  }
}
