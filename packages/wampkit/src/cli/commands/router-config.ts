/**
 * Configuration of `wampkit router`: a JSON config file and flags (flags win), turned into
 * @wampkit/router's `startRouter` options, with its per-realm `auth` security (spec wamp-ap.md
 * "Authentication").
 */
import { readFileSync } from 'node:fs';
import { deriveScramCredential, type ScramPrincipal } from '@wampkit/auth/scram';
import type { RealmAuthConfig, RolePermissions, StartRouterOptions } from '@wampkit/router';
import { UsageError } from '../errors.js';

/** One principal: an authid, its secret (ticket, WAMP-CRA secret, password or public key), a role. */
export interface PrincipalConfig {
  secret: string;
  role?: string;
}

/** The router config file (JSON). Every field is optional. */
export interface RouterConfig {
  host?: string;
  port?: number;
  /** Accept WebSocket handshakes only on this path. */
  path?: string;
  deflate?: boolean;
  realms?: string[];
  /** Create realms on first join (default true). */
  autoCreateRealms?: boolean;
  /** WAMP over RawSocket: a TCP port, or a Unix socket path. */
  rawsocket?: { port?: number; host?: string; path?: string };
  /** PEM files; serves wss:// (and rss:// on the RawSocket listener). */
  tls?: { cert: string; key: string; ca?: string };
  auth?: {
    /** Allow anonymous sessions (default: only when no other method is configured). */
    anonymous?: boolean | { role?: string };
    ticket?: Record<string, PrincipalConfig>;
    wampcra?: Record<string, PrincipalConfig>;
    scram?: Record<string, PrincipalConfig>;
    /** `secret` is the principal's Ed25519 public key (hex). */
    cryptosign?: Record<string, PrincipalConfig>;
    /** Authorization by role (the router's `RolePermissions`); absent: everything is allowed. */
    roles?: RolePermissions;
  };
}

export const AUTH_FLAG_METHODS = ['ticket', 'wampcra', 'scram', 'cryptosign'] as const;
type AuthFlagMethod = (typeof AUTH_FLAG_METHODS)[number];

/** Reads and checks the shape of a config file. */
export function readConfigFile(file: string): RouterConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --config file ${file}`, { cause: e });
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config file ${file} is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new UsageError(`--config file ${file} must hold a JSON object`);
  }
  return config as RouterConfig;
}

/** `AUTHID:SECRET[:ROLE]` (a SECRET containing ':' needs the ROLE part). */
export function parsePrincipalFlag(flag: string, text: string): [string, PrincipalConfig] {
  const first = text.indexOf(':');
  if (first <= 0 || first === text.length - 1) {
    throw new UsageError(`--${flag} expects AUTHID:SECRET[:ROLE], got ${JSON.stringify(text)}`);
  }
  const authid = text.slice(0, first);
  const rest = text.slice(first + 1);
  const last = rest.lastIndexOf(':');
  return last > 0
    ? [authid, { secret: rest.slice(0, last), role: rest.slice(last + 1) }]
    : [authid, { secret: rest }];
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}`, { cause: e });
  }
}

/** PBKDF2 iterations of credentials the router derives from configured SCRAM passwords. */
const SCRAM_PBKDF2_ITERATIONS = 100_000;

/** The security of every realm (router `auth`, auth-config.ts) from the config's `auth`. */
async function realmAuth(auth: NonNullable<RouterConfig['auth']>): Promise<RealmAuthConfig> {
  const realm: RealmAuthConfig = {};
  const table = <P>(m: AuthFlagMethod, make: (p: PrincipalConfig) => P) =>
    Object.fromEntries(Object.entries(auth[m] ?? {}).map(([id, p]) => [id, make(p)]));
  const role = (p: PrincipalConfig) => ({ role: p.role ?? 'user' });
  if (auth.ticket)
    realm.ticket = { principals: table('ticket', (p) => ({ ticket: p.secret, ...role(p) })) };
  if (auth.wampcra)
    realm.wampcra = { principals: table('wampcra', (p) => ({ secret: p.secret, ...role(p) })) };
  if (auth.scram) {
    const principals: Record<string, ScramPrincipal> = {};
    for (const [id, p] of Object.entries(auth.scram)) {
      const credential = await deriveScramCredential({
        password: p.secret,
        kdf: 'pbkdf2',
        iterations: SCRAM_PBKDF2_ITERATIONS,
      });
      principals[id] = { credential, ...role(p) };
    }
    realm.scram = { principals };
  }
  if (auth.cryptosign) {
    realm.cryptosign = {
      principals: table('cryptosign', (p) => ({ authorizedKeys: [p.secret], ...role(p) })),
    };
  }
  const anon = auth.anonymous ?? AUTH_FLAG_METHODS.every((m) => auth[m] === undefined);
  if (anon)
    realm.anonymous = { role: typeof anon === 'object' && anon.role ? anon.role : 'anonymous' };
  if (auth.roles) realm.roles = auth.roles;
  return realm;
}

/** The auth methods a config offers, for the start-up line. */
export function offeredMethods(config: RouterConfig): string[] {
  const auth = config.auth ?? {};
  const methods: string[] = AUTH_FLAG_METHODS.filter((m) => auth[m] !== undefined);
  if (auth.anonymous ?? methods.length === 0) methods.push('anonymous');
  return methods;
}

/** `startRouter` options for a config. */
export async function routerOptions(config: RouterConfig): Promise<StartRouterOptions> {
  const options: StartRouterOptions = {
    host: config.host ?? '127.0.0.1',
    port: config.port ?? 8080,
    realms: config.realms && config.realms.length > 0 ? config.realms : ['realm1'],
    autoCreateRealms: config.autoCreateRealms ?? true,
  };
  if (config.path !== undefined) options.path = config.path;
  if (config.deflate) options.deflate = true;
  if (config.tls) {
    const tls = {
      cert: readPem(config.tls.cert, 'TLS certificate'),
      key: readPem(config.tls.key, 'TLS key'),
      ...(config.tls.ca ? { ca: readPem(config.tls.ca, 'TLS CA') } : {}),
    };
    options.tls = tls;
  }
  if (config.rawsocket) {
    options.rawsocket = config.rawsocket.path
      ? { path: config.rawsocket.path, ...(options.tls ? { tls: options.tls } : {}) }
      : {
          port: config.rawsocket.port ?? 0,
          host: config.rawsocket.host ?? options.host ?? '127.0.0.1',
          ...(options.tls ? { tls: options.tls } : {}),
        };
  }
  if (config.auth) {
    // The same security for every realm, including realms created on join.
    const security = await realmAuth(config.auth);
    options.auth = () => security;
  }
  return options;
}
