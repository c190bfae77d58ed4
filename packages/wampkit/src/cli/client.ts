/**
 * Opens the client session of call/publish/subscribe/register/info from the shared flags with
 * `connect()`: the transport follows the URL scheme (WebSocket for ws/wss, RawSocket for
 * rs/rss/tcp/tls/unix), authentication follows the auth flags.
 */
import { readFileSync } from 'node:fs';
import type { SerializerId } from '@wampkit/serializers';
import { type Session, SessionClosedError } from '@wampkit/session';
import { type ConnectOptions, connect } from '../index.js';
import { RAWSOCKET_SCHEMES, WEBSOCKET_SCHEMES } from '../transports/options.js';
import { parseChoice, parseCount } from './args.js';
import { type AuthFlags, authenticatorFromFlags } from './auth.js';
import { ConnectionFailedError, UsageError } from './errors.js';
import type { Output } from './output.js';

/** Where clients connect by default: the default `wampkit router` (port 8080). */
export const DEFAULT_URL = 'ws://127.0.0.1:8080/ws';
/** The realm clients join by default. */
export const DEFAULT_REALM = 'realm1';
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const SERIALIZERS: readonly SerializerId[] = ['json', 'msgpack', 'cbor', 'ubjson', 'flatbuffers'];
const SCHEMES: readonly string[] = [...WEBSOCKET_SCHEMES, ...RAWSOCKET_SCHEMES];

/** The connection flags of every client command. */
export interface ClientFlags extends AuthFlags {
  url?: string | undefined;
  realm?: string | undefined;
  serializer?: string | undefined;
  'connect-timeout'?: string | undefined;
  ca?: string | undefined;
  insecure?: boolean | undefined;
}

function tlsOptions(flags: ClientFlags): ConnectOptions['tls'] {
  if (flags.ca === undefined && !flags.insecure) return undefined;
  const tls: NonNullable<ConnectOptions['tls']> = {};
  if (flags.ca !== undefined) {
    try {
      tls.ca = readFileSync(flags.ca, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --ca file ${flags.ca}`, { cause: e });
    }
  }
  if (flags.insecure) tls.rejectUnauthorized = false;
  return tls;
}

/**
 * Connects and joins. `signal` (Ctrl-C) aborts; connect + join must finish within
 * --connect-timeout. Transport failures become ConnectionFailedError (exit code 3); an ABORT
 * from the router stays a SessionClosedError (exit code 1).
 */
export async function openSession(
  flags: ClientFlags,
  env: Readonly<Record<string, string | undefined>>,
  out: Output,
  signal: AbortSignal,
): Promise<Session> {
  const url = flags.url ?? env.WAMPKIT_URL ?? DEFAULT_URL;
  const realm = flags.realm ?? env.WAMPKIT_REALM ?? DEFAULT_REALM;
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch (e) {
    throw new UsageError(`invalid --url ${JSON.stringify(url)}`, { cause: e });
  }
  if (!SCHEMES.includes(scheme)) {
    throw new UsageError(
      `--url scheme ${scheme.slice(0, -1)} is not one of ${SCHEMES.map((s) => s.slice(0, -1)).join(', ')}`,
    );
  }
  const serializer = parseChoice('serializer', flags.serializer, SERIALIZERS) ?? 'json';
  const connectTimeout =
    parseCount('connect-timeout', flags['connect-timeout']) ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const options: ConnectOptions = {
    url,
    realm,
    serializer,
    connectTimeout,
    signal,
    auth: await authenticatorFromFlags(flags, env),
  };
  const tls = tlsOptions(flags);
  if (tls) options.tls = tls;
  try {
    return await out.progress(`connecting to ${url}`, connect(options));
  } catch (e) {
    // The router's answer (ABORT) and interrupts keep their meaning; the rest is the connection.
    if ((e instanceof SessionClosedError && e.initiator === 'remote') || signal.aborted) throw e;
    const why =
      e instanceof Error && e.name === 'TimeoutError'
        ? `timed out after ${connectTimeout} ms`
        : e instanceof Error
          ? e.message
          : String(e);
    throw new ConnectionFailedError(`cannot connect to ${url}: ${why}`, { cause: e });
  }
}
