/**
 * @wampkit/router: a WAMP router for development and tests (the embedded default). Production
 * deployments connect wampkit to Crossbar.io, Bondy or Nexus instead.
 */
import { Router, type RouterOptions } from './router.js';
import type { RawSocketListener, RawSocketListenOptions } from './transports/rawsocket.js';
import type { WebSocketListenOptions } from './transports/websocket.js';

export {
  type AuthDecision,
  type AuthenticateRequest,
  type Authenticator,
  anonymousAuthenticator,
  type Challenge,
  type HelloRequest,
  type Refusal,
  type Welcome,
} from './auth.js';
export { type RealmAuthConfig, RealmSecurity, type RouterAuthConfig } from './auth-config.js';
export {
  AUTHORIZED_ACTIONS,
  type AuthorizationRequest,
  type AuthorizedAction,
  type AuthorizedSession,
  type Authorizer,
  allowEverything,
  type Permission,
  type RolePermissions,
  RoleTable,
  roleAuthorizer,
} from './authorization.js';
export { RouterConfigError } from './errors.js';
export { BROKER_FEATURES, DEALER_FEATURES } from './features.js';
export type { Realm } from './realm.js';
export { type LogLevel, Router, type RouterOptions } from './router.js';
export type {
  CloseReason,
  PeerConnection,
  PeerHandler,
  TransportAuthInfo,
  TransportInfo,
} from './transport.js';
export type { RawSocketListener, RawSocketListenOptions } from './transports/rawsocket.js';
export type { WebSocketListener, WebSocketListenOptions } from './transports/websocket.js';
export { type MatchPolicy, uriMatches } from './uri-match.js';

/** Creates a router (not yet listening). */
export function createRouter(options?: RouterOptions): Router {
  return new Router(options);
}

/** A router listening for connections, as startRouter() resolves it. */
export interface StartedRouter {
  readonly router: Router;
  /** The bound TCP port of the WebSocket listener. */
  readonly port: number;
  /** `ws://host:port/path` (or `wss://`) to connect to. */
  readonly url: string;
  /** The RawSocket listener, when `rawsocket` was given (its `url`: `rs://host:port`, ...). */
  readonly rawsocket: RawSocketListener | undefined;
  /** Shuts the router down (GOODBYE to every session, then the listeners close). */
  close(): Promise<void>;
}

/** Router options plus where to listen (WebSocket, and optionally RawSocket). */
export interface StartRouterOptions extends RouterOptions, WebSocketListenOptions {
  /**
   * Also listen for WAMP over RawSocket: `{ port, host }` for TCP, `{ path }` for a Unix domain
   * socket, plus `tls` for TLS; `true` for TCP on 127.0.0.1 and a free port.
   */
  rawsocket?: RawSocketListenOptions | boolean;
}

/**
 * Creates a router and listens for WAMP over WebSocket (port 0: a free port), and over RawSocket
 * when `rawsocket` is given.
 */
export async function startRouter(options: StartRouterOptions = {}): Promise<StartedRouter> {
  const router = new Router(options);
  const listener = await router.listen(options);
  let rawsocket: RawSocketListener | undefined;
  if (options.rawsocket) {
    try {
      rawsocket = await router.listenRawSocket(options.rawsocket === true ? {} : options.rawsocket);
    } catch (e) {
      await router.close();
      throw e;
    }
  }
  return {
    router,
    port: listener.port,
    url: listener.url,
    rawsocket,
    close: () => router.close(),
  };
}
