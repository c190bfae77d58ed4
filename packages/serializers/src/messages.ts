/**
 * The WAMP message model: one tagged object type per message (spec wamp.md "Messages",
 * wamp-ap.md for CANCEL/INTERRUPT, EVENT_RECEIVED). Field names follow the spec's element names.
 * `options`/`details` stay open dictionaries (unknown keys are kept; known keys are validated).
 */
import type { MessageTypeName } from './message-types.js';

/** A WAMP dictionary: string keys, any serializable values. */
export type Dict = Record<string, unknown>;

/**
 * Application payload of the messages that carry one: positional `args`, keyword `kwargs`,
 * or, in Payload PassThru mode (wamp-ap.md "Payload PassThru Mode"), one opaque `payload`
 * (then `args`/`kwargs` are absent).
 */
export interface AppPayload {
  args?: unknown[];
  kwargs?: Dict;
  payload?: Uint8Array;
}

/** HELLO [1]: a client asks to join `realm` (spec wamp.md "Session Establishment"). */
export interface HelloMessage {
  type: 'HELLO';
  realm: string;
  details: Dict;
}
/** WELCOME [2]: the router opened session `session`. */
export interface WelcomeMessage {
  type: 'WELCOME';
  session: number;
  details: Dict;
}
/** ABORT [3]: the session is refused or ended without a closing handshake, with a reason URI. */
export interface AbortMessage {
  type: 'ABORT';
  details: Dict;
  reason: string;
}
/** CHALLENGE [4]: the router asks the client to authenticate with `authMethod` (wamp-ap.md "Authentication"). */
export interface ChallengeMessage {
  type: 'CHALLENGE';
  authMethod: string;
  extra: Dict;
}
/** AUTHENTICATE [5]: the client answers a CHALLENGE. */
export interface AuthenticateMessage {
  type: 'AUTHENTICATE';
  signature: string;
  extra: Dict;
}
/** GOODBYE [6]: one side closes the session; the other answers with GOODBYE. */
export interface GoodbyeMessage {
  type: 'GOODBYE';
  details: Dict;
  reason: string;
}
export interface ErrorMessage extends AppPayload {
  type: 'ERROR';
  requestType: number;
  request: number;
  details: Dict;
  error: string;
}
export interface PublishMessage extends AppPayload {
  type: 'PUBLISH';
  request: number;
  options: Dict;
  topic: string;
}
/** PUBLISHED [17]: the broker acknowledges an acknowledged PUBLISH. */
export interface PublishedMessage {
  type: 'PUBLISHED';
  request: number;
  publication: number;
}
/** SUBSCRIBE [32]: the client subscribes to `topic`. */
export interface SubscribeMessage {
  type: 'SUBSCRIBE';
  request: number;
  options: Dict;
  topic: string;
}
/** SUBSCRIBED [33]: the broker confirms a SUBSCRIBE with the subscription ID. */
export interface SubscribedMessage {
  type: 'SUBSCRIBED';
  request: number;
  subscription: number;
}
/** UNSUBSCRIBE [34]: the client ends a subscription. */
export interface UnsubscribeMessage {
  type: 'UNSUBSCRIBE';
  request: number;
  subscription: number;
}
/** `details` is present only in the router-initiated form (wamp-ap.md "Subscription Revocation"). */
export interface UnsubscribedMessage {
  type: 'UNSUBSCRIBED';
  request: number;
  details?: Dict;
}
export interface EventMessage extends AppPayload {
  type: 'EVENT';
  subscription: number;
  publication: number;
  details: Dict;
}
/** EVENT [36]: the broker delivers a publication to a subscriber. */
export interface EventReceivedMessage {
  type: 'EVENT_RECEIVED';
  publication: number;
}
export interface CallMessage extends AppPayload {
  type: 'CALL';
  request: number;
  options: Dict;
  procedure: string;
}
/** CANCEL [49]: the caller cancels a call (wamp-ap.md "Call Canceling"). */
export interface CancelMessage {
  type: 'CANCEL';
  request: number;
  options: Dict;
}
export interface ResultMessage extends AppPayload {
  type: 'RESULT';
  request: number;
  details: Dict;
}
/** REGISTER [64]: the client registers `procedure`. */
export interface RegisterMessage {
  type: 'REGISTER';
  request: number;
  options: Dict;
  procedure: string;
}
/** REGISTERED [65]: the dealer confirms a REGISTER with the registration ID. */
export interface RegisteredMessage {
  type: 'REGISTERED';
  request: number;
  registration: number;
}
/** UNREGISTER [66]: the client ends a registration. */
export interface UnregisterMessage {
  type: 'UNREGISTER';
  request: number;
  registration: number;
}
/** `details` is present only in the router-initiated form (wamp-ap.md "Registration Revocation"). */
export interface UnregisteredMessage {
  type: 'UNREGISTERED';
  request: number;
  details?: Dict;
}
export interface InvocationMessage extends AppPayload {
  type: 'INVOCATION';
  request: number;
  registration: number;
  details: Dict;
}
/** INTERRUPT [69]: the dealer tells a callee that a call was canceled (wamp-ap.md "Call Canceling"). */
export interface InterruptMessage {
  type: 'INTERRUPT';
  request: number;
  options: Dict;
}
export interface YieldMessage extends AppPayload {
  type: 'YIELD';
  request: number;
  options: Dict;
}

/** Any of the 25 WAMP messages, discriminated by `type`. */
export type WampMessage =
  | HelloMessage
  | WelcomeMessage
  | AbortMessage
  | ChallengeMessage
  | AuthenticateMessage
  | GoodbyeMessage
  | ErrorMessage
  | PublishMessage
  | PublishedMessage
  | SubscribeMessage
  | SubscribedMessage
  | UnsubscribeMessage
  | UnsubscribedMessage
  | EventMessage
  | EventReceivedMessage
  | CallMessage
  | CancelMessage
  | ResultMessage
  | RegisterMessage
  | RegisteredMessage
  | UnregisterMessage
  | UnregisteredMessage
  | InvocationMessage
  | InterruptMessage
  | YieldMessage;

/** The message object type for a type name, e.g. `MessageOf<'CALL'>`. */
export type MessageOf<T extends MessageTypeName> = Extract<WampMessage, { type: T }>;
