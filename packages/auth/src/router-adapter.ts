/**
 * Glue between the verifiers and @wampkit/router's authenticator hook (`RouterOptions.
 * authenticator`: `hello(request)` and `authenticate(request)` returning welcome / challenge /
 * abort decisions). Typed structurally, so this package does not depend on the router.
 */
import { AuthError, AuthUris } from './errors.js';
import { isRecord } from './internal/bytes.js';
import { negotiateAuthMethod } from './negotiate.js';
import type {
  ChannelBindingData,
  HelloInfo,
  PeerCertificateInfo,
  PendingAuthentication,
  ServerAuthenticator,
  TransportAuthInfo,
} from './types.js';

/** A HELLO as the router's authenticator hook passes it. */
export interface RouterHelloRequest {
  readonly realm: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** Transport info; `channelBinding`, `peerCertificate` and `peer` are read when present. */
  readonly transport: Readonly<Record<string, unknown>>;
  /** The session ID the router will assign, when it allocates it before authenticating. */
  readonly sessionId?: number;
}

/** An AUTHENTICATE as the router's authenticator hook passes it, with the CHALLENGE it answers. */
export interface RouterAuthenticateRequest extends RouterHelloRequest {
  readonly signature: string;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly challenge: {
    readonly authmethod: string;
    readonly extra: Readonly<Record<string, unknown>>;
    /** What the `challenge` decision carried in `state` (the router hands it back). */
    readonly state?: unknown;
  };
}

/** The router hook's decision: WELCOME, CHALLENGE or ABORT. */
export type RouterDecision =
  | {
      kind: 'welcome';
      authid: string;
      authrole: string;
      authmethod: string;
      authprovider: string;
      authextra?: Record<string, unknown>;
    }
  | {
      kind: 'challenge';
      authmethod: string;
      extra: Record<string, unknown>;
      /** The in-progress challenge; the router hands it back with the AUTHENTICATE. */
      state: PendingAuthentication;
    }
  | { kind: 'abort'; reason: string; message?: string };

/** Options of createRouterAuthenticator(): each realm's verifiers, and a refusal observer. */
export interface RouterAuthenticatorConfig {
  /**
   * The authentication methods of each realm, or a function giving them. A realm with no entry
   * (or an empty list) refuses every HELLO with `wamp.error.no_matching_auth_method`.
   */
  realms:
    | Readonly<Record<string, readonly ServerAuthenticator[]>>
    | ((realm: string) => readonly ServerAuthenticator[] | undefined);
  /** Sees every refusal (for logs); messages never carry secrets. */
  onRefusal?: (realm: string, error: AuthError) => void;
}

/** The hook createRouterAuthenticator() builds, in the shape of the router's `authenticator` option. */
export interface RouterAuthenticator {
  /** Decides on a HELLO: negotiates the method and asks its verifier. */
  hello(request: RouterHelloRequest): Promise<RouterDecision>;
  /** Decides on an AUTHENTICATE with the state its CHALLENGE left. */
  authenticate(request: RouterAuthenticateRequest): Promise<RouterDecision>;
}

function transportInfo(t: Readonly<Record<string, unknown>>): TransportAuthInfo {
  const info: TransportAuthInfo = {};
  if (isRecord(t.channelBinding)) info.channelBinding = t.channelBinding as ChannelBindingData;
  if (isRecord(t.peerCertificate))
    info.peerCertificate = t.peerCertificate as unknown as PeerCertificateInfo;
  if (typeof t.peer === 'string') info.peer = t.peer;
  return info;
}

function helloInfo(request: RouterHelloRequest): HelloInfo {
  const d = request.details;
  const methods = Array.isArray(d.authmethods)
    ? d.authmethods.filter((m): m is string => typeof m === 'string')
    : [];
  return {
    realm: request.realm,
    authmethods: methods,
    authid: typeof d.authid === 'string' ? d.authid : undefined,
    authrole: typeof d.authrole === 'string' ? d.authrole : undefined,
    authextra: isRecord(d.authextra) ? d.authextra : {},
    sessionId: request.sessionId,
    transport: transportInfo(request.transport),
  };
}

/** Builds the router hook from per-realm verifier lists. */
export function createRouterAuthenticator(config: RouterAuthenticatorConfig): RouterAuthenticator {
  // Routers that do not carry `state` hand the CHALLENGE extra object back by reference instead.
  const pending = new WeakMap<object, PendingAuthentication>();
  const methodsOf = (realm: string) =>
    (typeof config.realms === 'function' ? config.realms(realm) : config.realms[realm]) ?? [];

  const refuse = (realm: string, error: unknown): RouterDecision => {
    const e =
      error instanceof AuthError
        ? error
        : new AuthError(AuthUris.authenticationFailed, 'authentication failed', { cause: error });
    config.onRefusal?.(realm, e);
    return { kind: 'abort', reason: e.uri, message: e.message };
  };

  return {
    async hello(request) {
      try {
        const hello = helloInfo(request);
        const { authmethod, authenticator } = negotiateAuthMethod(
          hello.authmethods,
          methodsOf(request.realm),
        );
        const outcome = await authenticator.hello(authmethod, hello);
        if (outcome.kind === 'welcome') return { kind: 'welcome', ...outcome.result };
        pending.set(outcome.extra, outcome.pending);
        return {
          kind: 'challenge',
          authmethod: outcome.authmethod,
          extra: outcome.extra,
          state: outcome.pending,
        };
      } catch (error) {
        return refuse(request.realm, error);
      }
    },

    async authenticate(request) {
      const carried = request.challenge.state as PendingAuthentication | undefined;
      const state =
        carried && typeof carried.authenticate === 'function'
          ? carried
          : pending.get(request.challenge.extra);
      pending.delete(request.challenge.extra);
      if (!state) {
        return {
          kind: 'abort',
          reason: AuthUris.protocolViolation,
          message: 'AUTHENTICATE without a CHALLENGE',
        };
      }
      try {
        const result = await state.authenticate(request.signature, { ...request.extra });
        return { kind: 'welcome', ...result };
      } catch (error) {
        return refuse(request.realm, error);
      }
    },
  };
}
