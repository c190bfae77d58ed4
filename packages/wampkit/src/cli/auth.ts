/**
 * Client authentication from command-line flags: picks the @wampkit/auth method (spec
 * wamp-ap.md "Authentication"); `sessionAuthOptions` (../auth.ts) wires it into the session.
 */
import { readFile } from 'node:fs/promises';
import { type Authenticator, anonymous } from '@wampkit/auth';
import { CryptosignKey, cryptosign } from '@wampkit/auth/cryptosign';
import { scram } from '@wampkit/auth/scram';
import { ticket } from '@wampkit/auth/ticket';
import { wampcra } from '@wampkit/auth/wampcra';
import { parseChoice } from './args.js';
import { UsageError } from './errors.js';

export const AUTH_METHODS = ['anonymous', 'ticket', 'wampcra', 'scram', 'cryptosign'] as const;
export type AuthMethodName = (typeof AUTH_METHODS)[number];

export interface AuthFlags {
  authid?: string | undefined;
  authrole?: string | undefined;
  authmethod?: string | undefined;
  ticket?: string | undefined;
  secret?: string | undefined;
  password?: string | undefined;
  'private-key'?: string | undefined;
}

/** Flags, with the secrets falling back to WAMPKIT_TICKET/SECRET/PASSWORD/PRIVATE_KEY. */
function withEnv(flags: AuthFlags, env: Readonly<Record<string, string | undefined>>): AuthFlags {
  return {
    ...flags,
    ticket: flags.ticket ?? env.WAMPKIT_TICKET,
    secret: flags.secret ?? env.WAMPKIT_SECRET,
    password: flags.password ?? env.WAMPKIT_PASSWORD,
    'private-key': flags['private-key'] ?? env.WAMPKIT_PRIVATE_KEY,
  };
}

function need(value: string | undefined, flag: string, method: string): string {
  if (value === undefined || value === '') throw new UsageError(`${method} needs --${flag}`);
  return value;
}

/** A cryptosign key from 64 hex digits, or from a key file Autobahn|Python or OpenSSH wrote. */
async function loadKey(text: string): Promise<CryptosignKey> {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return CryptosignKey.load(text);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(text);
  } catch (e) {
    throw new UsageError(`cannot read --private-key file ${text}`, { cause: e });
  }
  return CryptosignKey.load(bytes);
}

/** The authenticator the flags ask for (anonymous when none). */
export async function authenticatorFromFlags(
  raw: AuthFlags,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Authenticator> {
  const f = withEnv(raw, env);
  const method =
    parseChoice('authmethod', f.authmethod, AUTH_METHODS) ??
    (f.ticket !== undefined
      ? 'ticket'
      : f.secret !== undefined
        ? 'wampcra'
        : f.password !== undefined
          ? 'scram'
          : f['private-key'] !== undefined
            ? 'cryptosign'
            : 'anonymous');
  const role = f.authrole !== undefined ? { authrole: f.authrole } : {};
  switch (method) {
    case 'anonymous':
      return anonymous({ ...(f.authid !== undefined ? { authid: f.authid } : {}), ...role });
    case 'ticket':
      return ticket({
        authid: need(f.authid, 'authid', 'ticket'),
        ticket: need(f.ticket, 'ticket', 'ticket'),
        ...role,
      });
    case 'wampcra':
      return wampcra({
        authid: need(f.authid, 'authid', 'wampcra'),
        secret: need(f.secret, 'secret', 'wampcra'),
        ...role,
      });
    case 'scram':
      return scram({
        authid: need(f.authid, 'authid', 'scram'),
        password: need(f.password, 'password', 'scram'),
        ...role,
      });
    case 'cryptosign':
      return cryptosign({
        key: await loadKey(need(f['private-key'], 'private-key', 'cryptosign')),
        ...(f.authid !== undefined ? { authid: f.authid } : {}),
        ...role,
      });
  }
}
