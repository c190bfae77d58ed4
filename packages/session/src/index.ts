/**
 * @wampkit/session: the WAMP client session (sans-IO state machine, RPC and PubSub with the
 * Advanced Profile features), its typed errors, the Transport interface and the meta-API helpers.
 * Transports: `@wampkit/session/websocket` (Node: @wampkit/framing; browsers: native WebSocket).
 */

export * from './component/index.js';
export {
  ApplicationError,
  CanceledError,
  type CloseInfo,
  type CloseInitiator,
  FeatureNotSupportedError,
  InvalidStateError,
  LimitExceededError,
  ProtocolViolationError,
  SerializationError,
  SessionClosedError,
  TimeoutError,
} from './errors.js';
export { CLIENT_ROLES } from './features.js';
export { RequestIdSequence } from './ids.js';
export {
  type KeepaliveOptions,
  type SessionProbeOptions,
  startHeartbeat,
  startSessionProbe,
} from './keepalive.js';
export {
  type IdLists,
  type RegistrationDetails,
  registrationMeta,
  type SessionInfo,
  type SubscriptionDetails,
  sessionMeta,
  subscriptionMeta,
} from './meta.js';
export { AsyncQueue } from './queue.js';
export {
  Invocation,
  type InvocationChunk,
  type InvocationHandler,
  Registration,
} from './registration.js';
export { Result } from './result.js';
export { CallWriter } from './roles/call-writer.js';
export type { SendQueueOverflow } from './send-gate.js';
export { Session } from './session.js';
export {
  AGENT,
  type Challenge,
  type ChallengeResponse,
  type SessionLink,
  type SessionOptions,
  type SessionState,
} from './session-options.js';
export { type EventHandler, Subscription } from './subscription.js';
export {
  attachSession,
  joinSession,
  type Transport,
  type TransportCloseEvent,
} from './transport.js';
export {
  ConnectError,
  ConnectionLostError,
  ConnectionRefusedError,
  ConnectTimeoutError,
  HandshakeFailedError,
  KeepaliveTimeoutError,
  MessageTooBigError,
  ProxyError,
  TlsError,
  TransportError,
  TransportProtocolError,
  UnsupportedTransportError,
} from './transport-errors.js';
export type * from './types.js';
