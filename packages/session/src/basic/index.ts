/**
 * wampkit's Basic client: WAMP Basic Profile RPC and PubSub over a WHATWG WebSocket, built to
 * be small (the JSON client of issue 8's size budget). See ./session.ts for what it does and
 * leaves to the full Session.
 */

export {
  ApplicationError,
  CanceledError,
  type CloseInfo,
  InvalidStateError,
  ProtocolViolationError,
  SerializationError,
  SessionClosedError,
  TimeoutError,
} from '../errors.js';
export { Result } from '../result.js';
export type { Challenge, ChallengeResponse } from '../session-options.js';
export {
  ConnectError,
  ConnectionLostError,
  ConnectTimeoutError,
  HandshakeFailedError,
  TransportError,
  UnsupportedTransportError,
} from '../transport-errors.js';
export type { CallResult, Dict, MatchPolicy } from '../types.js';
export { type BasicCodec, json } from './codec.js';
export { type BasicConnectOptions, connect, type WebSocketLike } from './connect.js';
export {
  type BasicCallOptions,
  type BasicEvent,
  type BasicEventHandler,
  type BasicInvocation,
  type BasicInvocationHandler,
  type BasicLink,
  type BasicPublishOptions,
  type BasicRegisterOptions,
  type BasicRegistration,
  BasicSession,
  type BasicSessionOptions,
  type BasicSubscribeOptions,
  type BasicSubscription,
} from './session.js';
export { checkIncoming } from './wire.js';
