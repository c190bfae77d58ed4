/** Pieces every router-side verifier shares: principal lookup, one-shot deadline-bound challenges. */
import {
  AuthError,
  AuthenticationDeniedError,
  AuthenticationFailedError,
  NoSuchPrincipalError,
} from '../errors.js';
import type {
  AuthResult,
  HelloInfo,
  PendingAuthentication,
  PrincipalSource,
  VerifierOptions,
} from '../types.js';

export const DEFAULT_CHALLENGE_TIMEOUT_MS = 30_000;

/** Resolves a principal; a throwing hook becomes `authentication_failed` (fail secure). */
export async function lookupPrincipal<P>(
  source: PrincipalSource<P>,
  key: string,
  hello: HelloInfo,
): Promise<P | undefined> {
  try {
    if (typeof source === 'function') return await source(key, hello);
    if (source instanceof Map) return source.get(key);
    const table = source as Readonly<Record<string, P>>;
    return Object.hasOwn(table, key) ? table[key] : undefined;
  } catch (cause) {
    throw new AuthenticationFailedError('the principal lookup failed', { cause });
  }
}

export function unknownPrincipal(method: string): NoSuchPrincipalError {
  return new NoSuchPrincipalError(`no such principal for ${method}`);
}

/** The authid a HELLO must carry for methods that require one (ticket, WAMP-CRA, WAMP-SCRAM). */
export function requireAuthid(hello: HelloInfo, method: string): string {
  const { authid } = hello;
  if (typeof authid !== 'string' || authid.length === 0) {
    throw new AuthenticationDeniedError('malformed', `${method} requires HELLO.Details.authid`);
  }
  return authid;
}

/**
 * A challenge that accepts exactly one AUTHENTICATE before its deadline: a second one (a
 * replay) and a late one are denied without running `verify` again.
 */
export function oneShot(
  options: VerifierOptions,
  method: string,
  verify: (signature: string, extra: Record<string, unknown>) => Promise<AuthResult>,
): PendingAuthentication {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.challengeTimeoutMs ?? DEFAULT_CHALLENGE_TIMEOUT_MS);
  let used = false;
  return {
    async authenticate(signature, extra) {
      if (used)
        throw new AuthenticationDeniedError('replayed', `${method}: challenge already answered`);
      used = true;
      if (now() > deadline)
        throw new AuthenticationDeniedError('expired', `${method}: challenge expired`);
      if (typeof signature !== 'string') {
        throw new AuthenticationDeniedError('malformed', `${method}: signature is not a string`);
      }
      try {
        return await verify(signature, extra ?? {});
      } catch (error) {
        if (error instanceof AuthError) throw error;
        throw new AuthenticationFailedError(`${method}: verification failed`, { cause: error });
      }
    },
  };
}

export function denied(
  method: string,
  reason: 'bad-credentials' | 'malformed',
): AuthenticationDeniedError {
  return new AuthenticationDeniedError(
    reason,
    reason === 'malformed' ? `${method}: malformed AUTHENTICATE` : `${method}: invalid credentials`,
  );
}
