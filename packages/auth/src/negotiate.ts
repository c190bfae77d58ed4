/** Picking the router-side authenticator for a HELLO (WAMP AP "Authentication Methods"). */
import { NoMatchingAuthMethodError } from './errors.js';
import type { ServerAuthenticator } from './types.js';

/** The method negotiateAuthMethod() picked and the verifier that handles it. */
export interface NegotiatedMethod {
  authmethod: string;
  authenticator: ServerAuthenticator;
}

/**
 * The first method in the client's `HELLO.Details.authmethods` order that one of `available`
 * answers to. A HELLO without authmethods counts as `["anonymous"]`. Throws
 * `NoMatchingAuthMethodError` (`wamp.error.no_matching_auth_method`) when none matches.
 */
export function negotiateAuthMethod(
  authmethods: readonly string[] | undefined,
  available: readonly ServerAuthenticator[],
): NegotiatedMethod {
  const offered = authmethods && authmethods.length > 0 ? authmethods : ['anonymous'];
  for (const authmethod of offered) {
    const authenticator = available.find((a) => a.authmethods.includes(authmethod));
    if (authenticator) return { authmethod, authenticator };
  }
  throw new NoMatchingAuthMethodError(offered);
}
