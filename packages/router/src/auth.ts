/**
 * The authentication hook (spec advanced "Authentication"): the router asks an `Authenticator`
 * what to do with a HELLO, and (after a CHALLENGE) with the AUTHENTICATE. The default grants
 * anonymous access; authid/authrole requested in HELLO.Details are never trusted by it.
 */
import type { Dict } from '@wampkit/serializers';
import type { TransportInfo } from './transport.js';

/** A HELLO the authenticator decides on. */
export interface HelloRequest {
  readonly realm: string;
  readonly details: Dict;
  /**
   * The transport, plus what authentication may use of it: `channelBinding` (TLS channel-binding
   * data) and `peerCertificate` (a TLS client certificate), when the connection has them.
   */
  readonly transport: TransportInfo;
  /** The session ID WELCOME will carry (allocated before authentication; WAMP-CRA signs it). */
  readonly sessionId: number;
}

/** An AUTHENTICATE answering a CHALLENGE, with the HELLO it follows. */
export interface AuthenticateRequest extends HelloRequest {
  readonly signature: string;
  readonly extra: Dict;
  /** The CHALLENGE this AUTHENTICATE answers, with the authenticator's `state` for it. */
  readonly challenge: {
    readonly authmethod: string;
    readonly extra: Dict;
    readonly state?: unknown;
  };
}

/** Join the realm with this identity. */
export interface Welcome {
  readonly kind: 'welcome';
  readonly authid: string;
  readonly authrole: string;
  readonly authmethod: string;
  readonly authprovider: string;
  readonly authextra?: Dict;
}

/** Send a CHALLENGE and wait for AUTHENTICATE. */
export interface Challenge {
  readonly kind: 'challenge';
  readonly authmethod: string;
  readonly extra: Dict;
  /** Opaque to the router: handed back in `AuthenticateRequest.challenge.state`. */
  readonly state?: unknown;
}

/** Refuse with ABORT (e.g. `wamp.error.not_authorized`). */
export interface Refusal {
  readonly kind: 'abort';
  readonly reason: string;
  readonly message?: string;
}

/** What an Authenticator decides: WELCOME, CHALLENGE or ABORT. */
export type AuthDecision = Welcome | Challenge | Refusal;

/** The router's authentication hook (spec wamp-ap.md "Authentication"). */
export interface Authenticator {
  /** Decides on a HELLO: welcome, challenge, or refuse. */
  hello(request: HelloRequest): AuthDecision | Promise<AuthDecision>;
  /** Decides on the AUTHENTICATE that answers a CHALLENGE; required when hello() can challenge. */
  authenticate?(request: AuthenticateRequest): AuthDecision | Promise<AuthDecision>;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random 24-character authid, as routers commonly give anonymous sessions. */
export function randomAuthid(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/**
 * Anonymous access for everyone (spec "WAMP-Anonymous"): a fresh random authid, authrole
 * `anonymous`, whatever HELLO.Details asked for. Refuses a HELLO whose `authmethods` list
 * excludes `anonymous`.
 */
export const anonymousAuthenticator: Authenticator = {
  hello(request) {
    const methods = request.details.authmethods;
    if (Array.isArray(methods) && methods.length > 0 && !methods.includes('anonymous')) {
      return {
        kind: 'abort',
        reason: 'wamp.error.no_matching_auth_method',
        message: `none of the offered authmethods (${methods.join(', ')}) is available; this router offers anonymous`,
      };
    }
    return {
      kind: 'welcome',
      authid: randomAuthid(),
      authrole: 'anonymous',
      authmethod: 'anonymous',
      authprovider: 'static',
    };
  },
};
