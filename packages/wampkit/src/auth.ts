/**
 * Authentication for `connect({ auth })` (wamp-ap.md "Authentication"): turns @wampkit/auth
 * authenticators into the session's HELLO details, CHALLENGE answer and WELCOME check. Only
 * types are imported here: each method's code (and libsodium, for Argon2id or an Ed25519
 * fallback) is loaded by the subpath the application imports (`wampkit/auth/scram`, which is
 * `@wampkit/auth/client/scram`: client code only, ...); the script-tag build has them all under
 * `wampkit.auth`.
 */
import {
  AuthConfigError,
  type Authenticator,
  ChallengeError,
  ServerVerificationError,
} from '@wampkit/auth';
import type { Dict } from '@wampkit/serializers';
import type { SessionOptions, Transport } from '@wampkit/session';

/** One authenticator, or several offered together (the router picks, in this order). */
export type AuthOption = Authenticator | readonly Authenticator[];

/** The SessionOptions that sessionAuthOptions() fills in. */
export type SessionAuthOptions = Pick<
  SessionOptions,
  'authmethods' | 'authid' | 'authextra' | 'helloDetails' | 'onChallenge' | 'onWelcome'
>;

function agree(list: readonly Authenticator[], field: 'authid' | 'authrole'): string | undefined {
  let value: string | undefined;
  for (const a of list) {
    const v = a[field];
    if (v === undefined) continue;
    if (value !== undefined && v !== value) {
      throw new AuthConfigError(`the authenticators ask for different ${field}s`);
    }
    value = v;
  }
  return value;
}

function mergeAuthextra(list: readonly Authenticator[]): Dict | undefined {
  let merged: Dict | undefined;
  for (const a of list) {
    // Read once per HELLO: WAMP-SCRAM makes a fresh nonce each time it is read.
    const extra = a.authextra;
    if (extra === undefined) continue;
    merged ??= {};
    for (const [k, v] of Object.entries(extra)) {
      if (k in merged && merged[k] !== v && merged[k] !== null && v !== null) {
        throw new AuthConfigError(`the authenticators disagree on authextra.${k}`);
      }
      if (!(k in merged) || merged[k] === null) merged[k] = v;
    }
  }
  return merged;
}

/**
 * The SessionOptions that make one session authenticate with `auth` over `transport` (which
 * supplies TLS channel-binding data where it has it). Call it once per HELLO.
 */
export function sessionAuthOptions(
  auth: AuthOption,
  transport?: Pick<Transport, 'channelBinding'>,
): SessionAuthOptions {
  const list: readonly Authenticator[] = Array.isArray(auth) ? auth : [auth as Authenticator];
  if (list.length === 0) throw new AuthConfigError('auth: no authenticator given');
  const byMethod = new Map<string, Authenticator>();
  for (const a of list) {
    if (byMethod.has(a.authmethod)) {
      throw new AuthConfigError(`auth: two authenticators for ${a.authmethod}`);
    }
    byMethod.set(a.authmethod, a);
  }
  const options: SessionAuthOptions = {
    authmethods: list.map((a) => a.authmethod),
    onChallenge: async ({ authMethod, extra }) => {
      const a = byMethod.get(authMethod);
      if (!a) throw new ChallengeError(`CHALLENGE for "${authMethod}", which was not offered`);
      const channelBinding = transport?.channelBinding?.();
      return a.onChallenge(authMethod, extra, channelBinding ? { channelBinding } : {});
    },
    onWelcome: (details) => {
      const method = details.authmethod;
      let a: Authenticator | undefined;
      if (typeof method === 'string') {
        a = byMethod.get(method);
        // A router must not open the session under a method the client did not offer (it
        // would skip mutual authentication such as the WAMP-SCRAM server signature).
        if (!a) {
          throw new ServerVerificationError(
            `the router welcomed the session with authmethod "${method}", which was not offered`,
          );
        }
      } else if (list.length === 1) {
        a = list[0];
      }
      return a?.onWelcome?.(details);
    },
  };
  const authid = agree(list, 'authid');
  const authrole = agree(list, 'authrole');
  const authextra = mergeAuthextra(list);
  if (authid !== undefined) options.authid = authid;
  if (authrole !== undefined) options.helloDetails = { authrole };
  if (authextra !== undefined) options.authextra = authextra;
  return options;
}
