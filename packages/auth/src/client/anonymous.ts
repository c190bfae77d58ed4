/** Anonymous access and transport-level (TLS client certificate) authentication, client side. */
import { ChallengeError } from '../errors.js';
import type { AuthenticateResponse, Authenticator } from '../types.js';

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
