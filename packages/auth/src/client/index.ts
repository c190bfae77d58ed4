/**
 * `@wampkit/auth/client`: everything a client authenticates with and nothing of the router
 * side. The script-tag build exposes it as `wampkit.auth` (`wampkit.auth.ticket(...)`); with a
 * bundler, the per-method entries (`@wampkit/auth/client/scram`, ...) keep each method out of
 * the page until it is imported.
 */

export {
  AuthConfigError,
  AuthError,
  type AuthErrorOptions,
  AuthUris,
  ChallengeError,
  CryptoUnavailableError,
  KeyFormatError,
  ServerVerificationError,
} from '../errors.js';
export {
  type LibsodiumArgon2id,
  type LibsodiumEd25519,
  type LibsodiumModule,
  useLibsodium,
} from '../internal/sodium.js';
export {
  type AuthenticateResponse,
  type Authenticator,
  CHANNEL_BINDING_TYPES,
  type ChallengeContext,
  type ChannelBindingData,
  type ChannelBindingType,
} from '../types.js';
export { type AnonymousOptions, anonymous, tlsClientCertificate } from './anonymous.js';
export {
  CryptosignAuthenticator,
  type CryptosignAuthenticatorOptions,
  CryptosignKey,
  cryptosign,
  cryptosignChannelId,
  type Ed25519Backend,
  parsePublicKey,
} from './cryptosign.js';
export {
  ScramAuthenticator,
  type ScramAuthenticatorOptions,
  type ScramDialect,
  type ScramLimits,
  scram,
} from './scram.js';
export { TicketAuthenticator, type TicketAuthenticatorOptions, ticket } from './ticket.js';
export {
  deriveKey,
  WampCraAuthenticator,
  type WampCraAuthenticatorOptions,
  type WampCraLimits,
  wampcra,
} from './wampcra.js';
