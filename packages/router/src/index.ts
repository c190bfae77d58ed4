/**
 * @wampkit/router: a WAMP router for development and tests (the embedded default). Production
 * deployments connect wampkit to Crossbar.io, Bondy or Nexus instead.
 */
import { Router, type RouterOptions } from './router.js';
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
export { RouterConfigError } from './errors.js';
export { BROKER_FEATURES, DEALER_FEATURES } from './features.js';
export type { Realm } from './realm.js';
export { type LogLevel, Router, type RouterOptions } from './router.js';
export type {
  CloseReason,
  PeerConnection,
  PeerHandler,
  TransportInfo,
} from './transport.js';
export type { WebSocketListener, WebSocketListenOptions } from './transports/websocket.js';
export { type MatchPolicy, uriMatches } from './uri-match.js';

/** Creates a router (not yet listening). */
export function createRouter(options?: RouterOptions): Router {
  return new Router(options);
}

export interface StartedRouter {
  readonly router: Router;
  /** The bound TCP port. */
  readonly port: number;
  /** `ws://host:port/path` to connect to. */
  readonly url: string;
  /** Shuts the router down (GOODBYE to every session, then the listener closes). */
  close(): Promise<void>;
}

/** Creates a router and listens for WAMP over WebSocket (port 0: a free port). */
export async function startRouter(
  options: RouterOptions & WebSocketListenOptions = {},
): Promise<StartedRouter> {
  const router = new Router(options);
  const listener = await router.listen(options);
  return {
    router,
    port: listener.port,
    url: listener.url,
    close: () => router.close(),
  };
}
