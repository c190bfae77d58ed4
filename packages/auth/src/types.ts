/**
 * The two halves of WAMP authentication (WAMP AP "Authentication Methods"): the client-side
 * `Authenticator` a session drives through HELLO -> CHALLENGE -> AUTHENTICATE -> WELCOME, and the
 * router-side `ServerAuthenticator` a router drives through the same exchange.
 */

/** TLS channel-binding types: RFC 5929 `tls-unique`, RFC 9266 `tls-exporter`. */
export type ChannelBindingType = 'tls-unique' | 'tls-exporter';

/** The TLS channel-binding types WAMP-SCRAM and cryptosign support. */
export const CHANNEL_BINDING_TYPES: readonly ChannelBindingType[] = ['tls-unique', 'tls-exporter'];

/** Whether `value` is one of CHANNEL_BINDING_TYPES. */
export function isChannelBindingType(value: unknown): value is ChannelBindingType {
  return value === 'tls-unique' || value === 'tls-exporter';
}

/**
 * Channel-binding data of the connection, as the transport computes it (see
 * `@wampkit/auth/node` `channelBindingData`): `tls-unique` is the first TLS Finished message
 * (RFC 5929 section 3.1), `tls-exporter` the 32 exporter bytes (RFC 9266 section 2).
 */
export type ChannelBindingData = Partial<Record<ChannelBindingType, Uint8Array>>;

/** What the session hands an authenticator with a CHALLENGE. */
export interface ChallengeContext {
  /** Channel-binding data of the underlying TLS connection, when there is one. */
  channelBinding?: ChannelBindingData;
}

/** The client's answer to a CHALLENGE: the AUTHENTICATE message's signature and extra. */
export interface AuthenticateResponse {
  /** `AUTHENTICATE.Signature`. */
  signature: string;
  /** `AUTHENTICATE.Extra`. */
  extra?: Record<string, unknown>;
}

/**
 * Client side of one authentication method. A session puts `authmethod` into
 * `HELLO.Details.authmethods`, and `authid`, `authrole`, `authextra` into `HELLO.Details`;
 * it reads `authextra` once per HELLO (methods such as WAMP-SCRAM put a fresh nonce there).
 */
export interface Authenticator {
  readonly authmethod: string;
  readonly authid?: string | undefined;
  readonly authrole?: string | undefined;
  readonly authextra?: Record<string, unknown> | undefined;
  /** Answers `CHALLENGE.AuthMethod, CHALLENGE.Extra`; rejects with a `ChallengeError`. */
  onChallenge(
    method: string,
    extra: Record<string, unknown>,
    context?: ChallengeContext,
  ): Promise<AuthenticateResponse>;
  /**
   * Sees `WELCOME.Details` before the session opens; throws (`ServerVerificationError`) to make
   * the session abort, e.g. when the WAMP-SCRAM server signature does not verify.
   */
  onWelcome?(details: Record<string, unknown>): void | Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Router side

/** A TLS client certificate as the transport saw it (see `@wampkit/auth/node`). */
export interface PeerCertificateInfo {
  /** Whether the TLS layer verified the chain against the configured CAs. */
  authorized: boolean;
  /** SHA-256 fingerprint of the DER certificate, lowercase hex without separators. */
  fingerprint256: string;
  subjectCN?: string | undefined;
  issuerCN?: string | undefined;
  serialNumber?: string | undefined;
}

/** What the router knows about the transport a HELLO arrived on. */
export interface TransportAuthInfo {
  channelBinding?: ChannelBindingData;
  peerCertificate?: PeerCertificateInfo;
  /** E.g. `tcp4:127.0.0.1:50312`, for authextra and logs. */
  peer?: string;
}

/** The parts of a HELLO an authenticator needs, plus the session ID the router will assign. */
export interface HelloInfo {
  realm: string;
  authmethods: readonly string[];
  authid?: string | undefined;
  authrole?: string | undefined;
  authextra: Record<string, unknown>;
  /**
   * The session ID WELCOME will carry, when the router has already allocated it (WAMP-CRA puts
   * it into its challenge).
   */
  sessionId?: number | undefined;
  transport?: TransportAuthInfo | undefined;
}

/** The identity a router admits a session under; goes into WELCOME.Details. */
export interface AuthResult {
  authid: string;
  authrole: string;
  authmethod: string;
  authprovider: string;
  /** WELCOME.Details.authextra (e.g. the WAMP-SCRAM server signature). */
  authextra?: Record<string, unknown>;
}

/** One started challenge: accepts exactly one AUTHENTICATE. */
export interface PendingAuthentication {
  /** Checks the AUTHENTICATE signature and extra; resolves with the identity to WELCOME, rejects with an AuthError. */
  authenticate(signature: string, extra: Record<string, unknown>): Promise<AuthResult>;
}

/** What a ServerAuthenticator answers to a HELLO: a CHALLENGE (with the state that checks its answer) or a WELCOME. */
export type HelloOutcome =
  | {
      kind: 'challenge';
      /** CHALLENGE.AuthMethod (the method name the client asked for). */
      authmethod: string;
      /** CHALLENGE.Extra. */
      extra: Record<string, unknown>;
      pending: PendingAuthentication;
    }
  | { kind: 'welcome'; result: AuthResult };

/**
 * Router side of one authentication method. Rejections are `AuthError`s whose `uri` is the
 * ABORT reason.
 */
export interface ServerAuthenticator {
  /** The `authmethod` strings this authenticator answers to (e.g. `wamp-scram` and `scram`). */
  readonly authmethods: readonly string[];
  /** Starts authenticating a HELLO that asked for `authmethod`: a CHALLENGE to send, or an immediate WELCOME; rejects with an AuthError. */
  hello(authmethod: string, hello: HelloInfo): Promise<HelloOutcome>;
}

/** Identity a lookup returns for a principal. */
export interface PrincipalIdentity {
  authid?: string;
  role: string;
  authprovider?: string;
  authextra?: Record<string, unknown>;
}

/**
 * Where a verifier finds principals: a static table (per-realm config) or a dynamic
 * authenticator hook. Returning `undefined` means "unknown principal"; throwing means the
 * lookup itself failed (`wamp.error.authentication_failed`).
 */
export type PrincipalSource<P> =
  | Readonly<Record<string, P>>
  | ReadonlyMap<string, P>
  | ((key: string, hello: HelloInfo) => P | undefined | Promise<P | undefined>);

/** Options every verifier takes. */
export interface VerifierOptions {
  /** WELCOME.Details.authprovider when the principal does not name one; default `static`. */
  authprovider?: string;
  /** How long a CHALLENGE stays answerable, in milliseconds; default 30 000. */
  challengeTimeoutMs?: number;
  /** Clock, for the challenge deadline; default `Date.now`. */
  now?: () => number;
}
