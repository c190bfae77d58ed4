/** The reconnecting Component API (component.ts) and its reconnect policy (backoff.ts). */
export { type BackoffOptions, backoffDelay } from './backoff.js';
export {
  Component,
  type ComponentEvents,
  type ComponentOptions,
  type ConnectionState,
  type ConnectionStateEvent,
  Declaration,
  isFatalError,
  NotConnectedError,
  type RegistrationSpec,
  type SubscriptionSpec,
  type TransportEntry,
} from './component.js';
