/**
 * Declarative per-realm security (spec advanced "Authentication", "Authorization"): which
 * authentication methods a realm accepts with their principals (users, secrets, keys, roles) or
 * dynamic lookups, and which role may call/register/publish/subscribe which URIs. Builds the
 * @wampkit/auth verifiers once per realm and hands the router its authenticator hook and
 * authorizer.
 *
 * ```ts
 * startRouter({ auth: { realm1: {
 *   ticket: { principals: { joe: { ticket: 'secret', role: 'user' } } },
 *   anonymous: { role: 'guest' },
 *   roles: { user: [{ uri: 'com.example.', match: 'prefix', allow: { call: true } }] },
 * } } });
 * ```
 */
import {
  AnonymousVerifier,
  type AnonymousVerifierOptions,
  createRouterAuthenticator,
  type ServerAuthenticator,
} from '@wampkit/auth';
import { CryptosignVerifier, type CryptosignVerifierOptions } from '@wampkit/auth/cryptosign';
import { TlsClientCertVerifier, type TlsClientCertVerifierOptions } from '@wampkit/auth/node';
import { ScramVerifier, type ScramVerifierOptions } from '@wampkit/auth/scram';
import { TicketVerifier, type TicketVerifierOptions } from '@wampkit/auth/ticket';
import { WampCraVerifier, type WampCraVerifierOptions } from '@wampkit/auth/wampcra';
import type { Authenticator } from './auth.js';
import {
  type AuthorizationRequest,
  type Authorizer,
  allowEverything,
  type RolePermissions,
  roleAuthorizer,
} from './authorization.js';
import { RouterConfigError } from './errors.js';

/** The security of one realm. A method that is absent is not accepted. */
export interface RealmAuthConfig {
  /** Admit sessions without credentials (authmethod `anonymous`); `true`: role `anonymous`. */
  anonymous?: AnonymousVerifierOptions | boolean;
  /** Ticket: a table by authid, or a `check(authid, ticket)` hook (e.g. a JWT verifier). */
  ticket?: TicketVerifierOptions;
  /** WAMP-CRA: secrets (or PBKDF2-derived keys with their salt) by authid, or a lookup. */
  wampcra?: WampCraVerifierOptions;
  /** WAMP-SCRAM (`wamp-scram` and Autobahn's `scram`): stored credentials by authid, or a lookup. */
  scram?: ScramVerifierOptions;
  /** WAMP-cryptosign: authorized public keys by authid, or a lookup by public key. */
  cryptosign?: CryptosignVerifierOptions;
  /** TLS client certificates (authmethod `tls`): principals by SHA-256 fingerprint, or a lookup. */
  tls?: TlsClientCertVerifierOptions;
  /** More verifiers (other authmethods), after the ones above. */
  verifiers?: readonly ServerAuthenticator[];
  /**
   * Authorization by role (see authorization.ts). Absent together with `authorize`: every
   * session of the realm may do everything.
   */
  roles?: RolePermissions;
  /** Dynamic authorization instead of (or deciding before) `roles`. */
  authorize?: Authorizer;
}

/** Per-realm security: a table, or a function asked once per realm name (then cached). */
export type RouterAuthConfig =
  | Readonly<Record<string, RealmAuthConfig>>
  | ((realm: string) => RealmAuthConfig | undefined);

interface CompiledRealm {
  readonly verifiers: readonly ServerAuthenticator[];
  readonly authorize: Authorizer;
}

function compileRealm(realm: string, config: RealmAuthConfig): CompiledRealm {
  const verifiers: ServerAuthenticator[] = [];
  try {
    if (config.ticket) verifiers.push(new TicketVerifier(config.ticket));
    if (config.wampcra) verifiers.push(new WampCraVerifier(config.wampcra));
    if (config.scram) verifiers.push(new ScramVerifier(config.scram));
    if (config.cryptosign) verifiers.push(new CryptosignVerifier(config.cryptosign));
    if (config.tls) verifiers.push(new TlsClientCertVerifier(config.tls));
  } catch (cause) {
    throw new RouterConfigError(
      `realm ${JSON.stringify(realm)}: invalid authentication config: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (config.anonymous) {
    verifiers.push(new AnonymousVerifier(config.anonymous === true ? {} : config.anonymous));
  }
  verifiers.push(...(config.verifiers ?? []));
  let authorize: Authorizer = allowEverything;
  const byRole = config.roles ? roleAuthorizer(config.roles) : undefined;
  if (config.authorize && byRole) {
    const dynamic = config.authorize;
    authorize = (request: AuthorizationRequest) => dynamic(request) || byRole(request);
  } else {
    authorize = config.authorize ?? byRole ?? allowEverything;
  }
  return { verifiers, authorize };
}

/** The router's authenticator hook and authorizer for a per-realm security config. */
export class RealmSecurity {
  private readonly compiled = new Map<string, CompiledRealm | null>();
  readonly authenticator: Authenticator;

  constructor(
    private readonly config: RouterAuthConfig,
    log?: (message: string) => void,
  ) {
    if (typeof config !== 'function') {
      for (const [realm, c] of Object.entries(config))
        this.compiled.set(realm, compileRealm(realm, c));
    }
    this.authenticator = createRouterAuthenticator({
      realms: (realm) => this.realm(realm)?.verifiers,
      // Refusal messages never carry secrets (@wampkit/auth errors).
      onRefusal: (realm, error) =>
        log?.(`authentication refused on realm ${realm}: ${error.uri}: ${error.message}`),
    });
  }

  private realm(name: string): CompiledRealm | undefined {
    let c = this.compiled.get(name);
    if (c === undefined && typeof this.config === 'function') {
      const config = this.config(name);
      c = config ? compileRealm(name, config) : null;
      this.compiled.set(name, c);
    }
    return c ?? undefined;
  }

  /** Authorizes one action; a realm without a config authorizes nothing. */
  authorize(request: AuthorizationRequest): boolean {
    const realm = this.realm(request.realm);
    return realm?.authorize(request) === true;
  }
}
