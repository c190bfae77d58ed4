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

export interface RouterHelloRequest {
  readonly realm: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** Transport info; `channelBinding`, `peerCertificate` and `peer` are read when present. */
  readonly transport: Readonly<Record<string, unknown>>;
  /** The session ID the router will assign, when it allocates it before authenticating. */
  readonly sessionId?: number;
}

export interface RouterAuthenticateRequest extends RouterHelloRequest {
  readonly signature: string;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly challenge: {
    readonly authmethod: string;
    readonly extra: Readonly<Record<string, unknown>>;
  };
}

export type RouterDecision =
  | {
      kind: 'welcome';
      authid: string;
      authrole: string;
      authmethod: string;
      authprovider: string;
      authextra?: Record<string, unknown>;
    }
  | { kind: 'challenge'; authmethod: string; extra: Record<string, unknown> }
  | { kind: 'abort'; reason: string; message?: string };

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

export interface RouterAuthenticator {
  hello(request: RouterHelloRequest): Promise<RouterDecision>;
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
  // The router hands the CHALLENGE extra object back with the AUTHENTICATE; it keys the state.
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
        return { kind: 'challenge', authmethod: outcome.authmethod, extra: outcome.extra };
      } catch (error) {
        return refuse(request.realm, error);
      }
    },

    async authenticate(request) {
      const state = pending.get(request.challenge.extra);
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
