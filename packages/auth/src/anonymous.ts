/** Anonymous access and transport-level (TLS client certificate) authentication, client side. */
import { ChallengeError } from './errors.js';
import { randomBytes, toHex } from './internal/bytes.js';
import type {
  AuthenticateResponse,
  Authenticator,
  HelloInfo,
  HelloOutcome,
  ServerAuthenticator,
} from './types.js';

/** An authenticator that is never challenged (`anonymous`, `tls`). */
class UnchallengedAuthenticator implements Authenticator {
  constructor(
    readonly authmethod: string,
    readonly authid?: string,
    readonly authrole?: string,
    readonly authextra?: Record<string, unknown>,
  ) {}

  async onChallenge(method: string): Promise<AuthenticateResponse> {
    throw new ChallengeError(`${this.authmethod} authentication got a "${method}" challenge`);
  }
}

export interface AnonymousOptions {
  authid?: string;
  authrole?: string;
  authextra?: Record<string, unknown>;
}

/** `authmethods: ["anonymous"]`. */
export function anonymous(options: AnonymousOptions = {}): Authenticator {
  return new UnchallengedAuthenticator(
    'anonymous',
    options.authid,
    options.authrole,
    options.authextra,
  );
}

/**
 * `authmethods: ["tls"]`: the identity is the TLS client certificate the transport presents
 * (configure the transport with `key`/`cert`); there is no CHALLENGE.
 */
export function tlsClientCertificate(options: AnonymousOptions = {}): Authenticator {
  return new UnchallengedAuthenticator('tls', options.authid, options.authrole, options.authextra);
}

export interface AnonymousVerifierOptions {
  /** Default `anonymous`. */
  role?: string;
  /** Default `static`. */
  authprovider?: string;
  /** Keep a client-chosen HELLO authid instead of assigning a random one; default false. */
  allowClientAuthid?: boolean;
}

/** Router side of `anonymous`: admits the session at once under a configured role. */
export class AnonymousVerifier implements ServerAuthenticator {
  readonly authmethods = ['anonymous'] as const;
  readonly #options: AnonymousVerifierOptions;

  constructor(options: AnonymousVerifierOptions = {}) {
    this.#options = options;
  }

  /** Starts authenticating a HELLO that asked for `authmethod`: a CHALLENGE to send, or an immediate WELCOME; rejects with an AuthError. */
  async hello(authmethod: string, hello: HelloInfo): Promise<HelloOutcome> {
    const o = this.#options;
    const authid =
      o.allowClientAuthid && typeof hello.authid === 'string' && hello.authid !== ''
        ? hello.authid
        : `anonymous-${toHex(randomBytes(8))}`;
    return {
      kind: 'welcome',
      result: {
        authid,
        authrole: o.role ?? 'anonymous',
        authmethod,
        authprovider: o.authprovider ?? 'static',
      },
    };
  }
}
