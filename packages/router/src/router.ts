/**
 * The router: realms, the sessions on them, and the transports that feed it. Transports hand it
 * a `PeerConnection` per connection (`attach`); everything else is protocol.
 */
import { createJsonSerializer, type Dict, isValidUri, type Serializer } from '@wampkit/serializers';
import { createCborSerializer } from '@wampkit/serializers/cbor';
import { createFlatbuffersSerializer } from '@wampkit/serializers/flatbuffers';
import { createMsgpackSerializer } from '@wampkit/serializers/msgpack';
import { createUbjsonSerializer } from '@wampkit/serializers/ubjson';
import { type Authenticator, anonymousAuthenticator } from './auth.js';
import { RealmSecurity, type RouterAuthConfig } from './auth-config.js';
import { type AuthorizationRequest, type Authorizer, allowEverything } from './authorization.js';
import { RouterConfigError } from './errors.js';
import { ROUTER_ROLES } from './features.js';
import { uniqueRandomId } from './ids.js';
import { Realm } from './realm.js';
import { RouterSession, type SessionHost } from './session.js';
import type { PeerConnection, PeerHandler } from './transport.js';
import {
  type RawSocketHost,
  RawSocketListener,
  type RawSocketListenOptions,
} from './transports/rawsocket.js';
import {
  type WebSocketHost,
  WebSocketListener,
  type WebSocketListenOptions,
} from './transports/websocket.js';

/** Severity of a router diagnostic. */
export type LogLevel = 'info' | 'warn';

/** Options of a Router: realms, limits, authentication, authorization and diagnostics. */
export interface RouterOptions {
  /** Realms that exist from the start. Default: `['realm1']`. */
  realms?: readonly string[];
  /** Create a realm when a client asks to join one that does not exist. Default true. */
  autoCreateRealms?: boolean;
  /** Largest WAMP message accepted from a peer, in bytes. Default 16 MiB. */
  maxMessageBytes?: number;
  /**
   * Bound of each session's send queue, in bytes. A peer that lets more pile up (it does not
   * read) is disconnected. Must be at least `maxMessageBytes`. Default 2 × maxMessageBytes.
   */
  maxQueueBytes?: number;
  /** Enforce sequential session-scope request IDs (spec "Protocol Errors"). Default true. */
  strictRequestIds?: boolean;
  /** How long a router-sent GOODBYE waits for the answer before the connection is dropped. */
  goodbyeTimeoutMs?: number;
  /** Most topics per realm holding a retained event. Default 10 000. */
  maxRetainedEvents?: number;
  /**
   * Decides on HELLO (and AUTHENTICATE): the low-level hook. Default: anonymous for everyone.
   * Exclusive with `auth`.
   */
  authenticator?: Authenticator;
  /**
   * Per-realm security (auth-config.ts): authentication methods with their principals or lookups,
   * and authorization by role. A realm missing here refuses every HELLO
   * (`wamp.error.no_matching_auth_method`).
   */
  auth?: RouterAuthConfig;
  /**
   * Authorizes call/register/publish/subscribe (authorization.ts); refusals get ERROR
   * `wamp.error.not_authorized`. Default: the realms' `roles` with `auth`, else everything.
   */
  authorizer?: Authorizer;
  /** WELCOME.Details.agent. */
  agent?: string;
  /** Diagnostics (protocol violations, overflows). Default: none. */
  log?: (level: LogLevel, message: string) => void;
}

/** The WAMP router: realms, the sessions on them, and the transports that feed it. */
export class Router implements SessionHost, WebSocketHost, RawSocketHost {
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
  readonly maxQueueBytes: number;
  readonly maxMessageBytes: number;
  readonly strictRequestIds: boolean;
  readonly goodbyeTimeoutMs: number;
  readonly agent: string;
  readonly roles: Dict = ROUTER_ROLES;
  readonly serializers: ReadonlyMap<string, Serializer>;
  private readonly realms = new Map<string, Realm>();
  private readonly autoCreateRealms: boolean;
  private readonly maxRetainedEvents: number;
  private readonly sessionIds = new Set<number>();
  private readonly sessions = new Set<RouterSession>();
  private readonly listeners = new Set<{ close(): Promise<void> }>();
  private readonly logger: ((level: LogLevel, message: string) => void) | undefined;
  private closed = false;

  constructor(options: RouterOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
    this.maxQueueBytes = options.maxQueueBytes ?? 2 * this.maxMessageBytes;
    if (this.maxQueueBytes < this.maxMessageBytes) {
      throw new RouterConfigError(
        `maxQueueBytes (${this.maxQueueBytes}) must be at least maxMessageBytes (${this.maxMessageBytes})`,
      );
    }
    this.strictRequestIds = options.strictRequestIds ?? true;
    this.goodbyeTimeoutMs = options.goodbyeTimeoutMs ?? 5000;
    this.maxRetainedEvents = options.maxRetainedEvents ?? 10_000;
    if (options.auth !== undefined && options.authenticator !== undefined) {
      throw new RouterConfigError('give either `auth` or `authenticator`, not both');
    }
    if (options.auth !== undefined) {
      const security = new RealmSecurity(options.auth, (message) => this.log('info', message));
      this.authenticator = security.authenticator;
      this.authorizer = options.authorizer ?? ((request) => security.authorize(request));
    } else {
      this.authenticator = options.authenticator ?? anonymousAuthenticator;
      this.authorizer = options.authorizer ?? allowEverything;
    }
    this.agent = options.agent ?? 'wampkit-router/0.1.0';
    this.autoCreateRealms = options.autoCreateRealms ?? true;
    this.logger = options.log;
    const limits = { maxMessageBytes: this.maxMessageBytes };
    const list: Serializer[] = [
      createJsonSerializer({ limits }),
      createMsgpackSerializer({ limits }),
      createCborSerializer({ limits }),
      createUbjsonSerializer({ limits }),
      createFlatbuffersSerializer({ limits }),
    ];
    this.serializers = new Map(list.map((s) => [s.subprotocol, s]));
    for (const name of options.realms ?? ['realm1']) this.realm(name);
  }

  /** The realm `name`, created if needed. */
  realm(name: string): Realm {
    let realm = this.realms.get(name);
    if (realm === undefined) {
      if (!isValidUri(name))
        throw new RouterConfigError(`invalid realm name ${JSON.stringify(name)}`);
      realm = new Realm(name, { maxRetainedEvents: this.maxRetainedEvents });
      this.realms.set(name, realm);
    }
    return realm;
  }

  /** Names of the realms that exist now. */
  realmNames(): string[] {
    return [...this.realms.keys()];
  }

  /** Sessions joined to any realm. */
  get sessionCount(): number {
    return this.sessionIds.size;
  }

  // ---- SessionHost -----------------------------------------------------------------------

  realmFor(name: string): Realm | undefined {
    if (this.closed) return undefined;
    return this.realms.get(name) ?? (this.autoCreateRealms ? this.realm(name) : undefined);
  }

  /** A fresh session ID, unique among the sessions open now (spec wamp.md "IDs", global scope). */
  newSessionId(): number {
    const id = uniqueRandomId(this.sessionIds);
    this.sessionIds.add(id);
    return id;
  }

  /** Returns the ID of a session that ended. */
  releaseSessionId(id: number): void {
    this.sessionIds.delete(id);
  }

  /** Passes a diagnostic to the `log` option, if any. */
  log(level: LogLevel, message: string): void {
    this.logger?.(level, message);
  }

  authorize(request: AuthorizationRequest): boolean {
    try {
      return this.authorizer(request) === true;
    } catch (e) {
      // Fail secure: an authorizer that throws refuses.
      this.log('warn', `authorizer failed: ${(e as Error)?.message ?? e}`);
      return false;
    }
  }

  /** Called when a session joined a realm. */
  sessionOpened(_session: RouterSession): void {}

  /** Called when a session left its realm. */
  sessionClosed(_session: RouterSession): void {}

  // ---- transports ------------------------------------------------------------------------

  /** A transport connected a peer: the router answers with the handler to feed. */
  attach(conn: PeerConnection): PeerHandler {
    const session = new RouterSession(this, conn);
    this.sessions.add(session);
    return {
      message: (data) => session.handler.message(data),
      closed: () => {
        this.sessions.delete(session);
        session.handler.closed();
      },
    };
  }

  /** Listens for WAMP over WebSocket. */
  async listen(options: WebSocketListenOptions = {}): Promise<WebSocketListener> {
    if (this.closed) throw new RouterConfigError('the router is closed');
    const listener = new WebSocketListener(this, options);
    await listener.listen();
    this.listeners.add(listener);
    return listener;
  }

  /** Listens for WAMP over RawSocket (TCP, TLS or a Unix domain socket). */
  async listenRawSocket(options: RawSocketListenOptions = {}): Promise<RawSocketListener> {
    if (this.closed) throw new RouterConfigError('the router is closed');
    const listener = new RawSocketListener(this, options);
    await listener.listen();
    this.listeners.add(listener);
    return listener;
  }

  /**
   * Shuts down: every joined session gets GOODBYE `wamp.close.system_shutdown`, the listeners
   * stop and their connections close.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sessions) s.goodbye('wamp.close.system_shutdown');
    await Promise.all([...this.listeners].map((l) => l.close()));
    this.listeners.clear();
    for (const s of this.sessions) s.terminate('shutdown');
    this.sessions.clear();
  }
}
