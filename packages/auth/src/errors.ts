/**
 * Typed authentication errors. Router-side errors carry the WAMP URI the router puts in its
 * ABORT (WAMP Advanced Profile, "Authentication" URIs); client-side errors carry the URI a
 * session uses when it aborts the handshake itself. No message ever contains a secret, a
 * ticket, a password, a key or a signature.
 */

export const AuthUris = {
  notAuthorized: 'wamp.error.not_authorized',
  authenticationDenied: 'wamp.error.authentication_denied',
  authenticationFailed: 'wamp.error.authentication_failed',
  authenticationRequired: 'wamp.error.authentication_required',
  noMatchingAuthMethod: 'wamp.error.no_matching_auth_method',
  noSuchPrincipal: 'wamp.error.no_such_principal',
  noSuchRole: 'wamp.error.no_such_role',
  protocolViolation: 'wamp.error.protocol_violation',
} as const;

/** Options of an AuthError: the error that caused it. */
export interface AuthErrorOptions {
  cause?: unknown;
}

/** Base class of every error this package throws. */
export class AuthError extends Error {
  override readonly name: string = 'AuthError';
  /** The WAMP error URI that reports this failure on the wire (ABORT reason). */
  readonly uri: string;

  constructor(uri: string, message: string, options: AuthErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.uri = uri;
  }
}

/** Why a router denied an authentication attempt (for logs and tests; never on the wire). */
export type DenialReason =
  | 'bad-credentials'
  | 'malformed'
  | 'replayed'
  | 'expired'
  | 'nonce-mismatch'
  | 'channel-binding'
  | 'unknown-principal'
  | 'untrusted-certificate';

/** Router side: the presented credentials are wrong (`wamp.error.authentication_denied`). */
export class AuthenticationDeniedError extends AuthError {
  override readonly name = 'AuthenticationDeniedError';
  readonly reason: DenialReason;

  constructor(reason: DenialReason, message: string, options: AuthErrorOptions = {}) {
    super(AuthUris.authenticationDenied, message, options);
    this.reason = reason;
  }
}

/**
 * Router side: authentication could not be carried out (a lookup hook threw, a KDF failed):
 * "fail secure", `wamp.error.authentication_failed`.
 */
export class AuthenticationFailedError extends AuthError {
  override readonly name = 'AuthenticationFailedError';

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(AuthUris.authenticationFailed, message, options);
  }
}

/** Router side: the HELLO names an authid the router does not know. */
export class NoSuchPrincipalError extends AuthError {
  override readonly name = 'NoSuchPrincipalError';

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(AuthUris.noSuchPrincipal, message, options);
  }
}

/** Router side: none of `HELLO.Details.authmethods` is configured for the realm. */
export class NoMatchingAuthMethodError extends AuthError {
  override readonly name = 'NoMatchingAuthMethodError';
  readonly offered: readonly string[];

  constructor(offered: readonly string[], options: AuthErrorOptions = {}) {
    super(
      AuthUris.noMatchingAuthMethod,
      `none of the offered authentication methods is accepted (${offered.join(', ') || 'none'})`,
      options,
    );
    this.offered = offered;
  }
}

/** Router side: an authorization decision (call/register/publish/subscribe) said no. */
export class NotAuthorizedError extends AuthError {
  override readonly name = 'NotAuthorizedError';

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(AuthUris.notAuthorized, message, options);
  }
}

/**
 * Client side: the router's CHALLENGE is unusable (wrong method, missing or malformed fields,
 * cost parameters outside the configured bounds, a nonce that does not extend ours, a channel
 * binding other than the one requested). The session aborts with `uri`.
 */
export class ChallengeError extends AuthError {
  override readonly name = 'ChallengeError';

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(AuthUris.authenticationFailed, message, options);
  }
}

/**
 * Client side: the router failed mutual authentication (WAMP-SCRAM server signature in WELCOME,
 * or the cryptosign router signature in CHALLENGE, did not verify).
 */
export class ServerVerificationError extends AuthError {
  override readonly name = 'ServerVerificationError';

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(AuthUris.authenticationFailed, message, options);
  }
}

/** Local misuse: an authenticator or verifier built with invalid options or key material. */
export class AuthConfigError extends AuthError {
  override readonly name = 'AuthConfigError';

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(AuthUris.authenticationFailed, message, options);
  }
}

/** A key file or key string that cannot be parsed (cryptosign key loading). */
export class KeyFormatError extends AuthError {
  override readonly name = 'KeyFormatError';

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(AuthUris.authenticationFailed, message, options);
  }
}

/** The runtime lacks a primitive (no WebCrypto, no Ed25519 and libsodium failed to load). */
export class CryptoUnavailableError extends AuthError {
  override readonly name = 'CryptoUnavailableError';

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(AuthUris.authenticationFailed, message, options);
  }
}
