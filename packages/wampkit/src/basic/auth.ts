/**
 * `wampkit/basic/auth`: authentication for the small client with @wampkit/auth's client
 * authenticators, as `connect({ auth })` does for the full one:
 * `connect({ url, realm, ...basicAuth(scram({ authid, password })) })`. It fills in authmethods,
 * authid, authextra, onChallenge and onWelcome (WAMP-SCRAM's server-signature check). Import the
 * authenticator from `wampkit/auth/<method>`: only the methods used are bundled.
 */
import type { BasicSessionOptions } from '@wampkit/session/basic';
import { type AuthOption, sessionAuthOptions } from '../auth.js';

export type { AuthOption };

/** The BasicSessionOptions that authenticate with `auth` (one authenticator, or several to offer). */
export function basicAuth(
  auth: AuthOption,
): Pick<
  BasicSessionOptions,
  'authmethods' | 'authid' | 'authextra' | 'helloDetails' | 'onChallenge' | 'onWelcome'
> {
  return sessionAuthOptions(auth);
}
