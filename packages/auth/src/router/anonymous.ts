/** Anonymous access, router side: admits the session at once under a configured role. */
import { randomBytes, toHex } from '../internal/bytes.js';
import type { HelloInfo, HelloOutcome, ServerAuthenticator } from '../types.js';

/** Options of AnonymousVerifier: the role, authprovider and authid policy of anonymous sessions. */
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
