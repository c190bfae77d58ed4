/**
 * @wampkit/auth: the shared `Authenticator` (client) and `ServerAuthenticator` (router)
 * interfaces, errors, anonymous and TLS-certificate authentication. Each challenge-response
 * method has its own subpath: `@wampkit/auth/ticket`, `/wampcra`, `/scram`, `/cryptosign`;
 * Node-only helpers (TLS channel binding, client certificates) are in `/node`. Client-only
 * entries without router-side code: `@wampkit/auth/client` (everything a client uses) and
 * `@wampkit/auth/client/ticket`, `/client/wampcra`, `/client/scram`, `/client/cryptosign`.
 */
export { type AnonymousOptions, anonymous, tlsClientCertificate } from './client/anonymous.js';
export {
  AuthConfigError,
  AuthError,
  type AuthErrorOptions,
  AuthenticationDeniedError,
  AuthenticationFailedError,
  AuthUris,
  ChallengeError,
  CryptoUnavailableError,
  type DenialReason,
  KeyFormatError,
  NoMatchingAuthMethodError,
  NoSuchPrincipalError,
  NotAuthorizedError,
  ServerVerificationError,
} from './errors.js';
export { type NegotiatedMethod, negotiateAuthMethod } from './negotiate.js';
export { AnonymousVerifier, type AnonymousVerifierOptions } from './router/anonymous.js';
export {
  createRouterAuthenticator,
  type RouterAuthenticateRequest,
  type RouterAuthenticator,
  type RouterAuthenticatorConfig,
  type RouterDecision,
  type RouterHelloRequest,
} from './router-adapter.js';
export {
  type AuthenticateResponse,
  type Authenticator,
  type AuthResult,
  CHANNEL_BINDING_TYPES,
  type ChallengeContext,
  type ChannelBindingData,
  type ChannelBindingType,
  type HelloInfo,
  type HelloOutcome,
  isChannelBindingType,
  type PeerCertificateInfo,
  type PendingAuthentication,
  type PrincipalIdentity,
  type PrincipalSource,
  type ServerAuthenticator,
  type TransportAuthInfo,
  type VerifierOptions,
} from './types.js';
