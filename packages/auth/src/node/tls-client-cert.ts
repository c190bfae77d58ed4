/** TLS client-certificate authentication, router side (authmethod `tls`). */
import type { TLSSocket } from 'node:tls';
import { AuthenticationDeniedError, NoSuchPrincipalError } from '../errors.js';
import { lookupPrincipal, unknownPrincipal } from '../internal/server.js';
import type {
  HelloInfo,
  HelloOutcome,
  PeerCertificateInfo,
  PrincipalIdentity,
  ServerAuthenticator,
} from '../types.js';

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Normalizes `AB:CD:...` fingerprints to lowercase hex without separators. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toLowerCase();
}

/** What the router needs of the client certificate on a server-side TLS socket. */
export function peerCertificateInfo(socket: TLSSocket): PeerCertificateInfo | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0 || !cert.fingerprint256) return undefined;
  return {
    authorized: socket.authorized,
    fingerprint256: normalizeFingerprint(cert.fingerprint256),
    subjectCN: firstString(cert.subject?.CN),
    issuerCN: firstString(cert.issuer?.CN),
    serialNumber: cert.serialNumber,
  };
}

/** Options of TlsClientCertVerifier: principals by certificate fingerprint, or a lookup. */
export interface TlsClientCertVerifierOptions {
  /** Static table keyed by SHA-256 fingerprint (any case, colons allowed). */
  principals?: Readonly<Record<string, PrincipalIdentity>>;
  /** Dynamic lookup by normalized fingerprint. */
  lookup?: (
    fingerprint: string,
    hello: HelloInfo,
  ) => PrincipalIdentity | undefined | Promise<PrincipalIdentity | undefined>;
  /** Require the TLS layer to have verified the chain (`socket.authorized`); default true. */
  requireAuthorized?: boolean;
  /** Default `static` (table) or `dynamic` (lookup). */
  authprovider?: string;
}

/**
 * Admits a session on the strength of its TLS client certificate: no CHALLENGE; the principal
 * is found by certificate fingerprint; authid defaults to the subject CN.
 */
export class TlsClientCertVerifier implements ServerAuthenticator {
  readonly authmethods = ['tls'] as const;
  readonly #options: TlsClientCertVerifierOptions;
  readonly #table: Map<string, PrincipalIdentity> | undefined;

  constructor(options: TlsClientCertVerifierOptions) {
    if (!options.principals === !options.lookup) {
      throw new TypeError('TlsClientCertVerifier needs exactly one of `principals` and `lookup`');
    }
    this.#options = options;
    this.#table = options.principals
      ? new Map(Object.entries(options.principals).map(([fp, p]) => [normalizeFingerprint(fp), p]))
      : undefined;
  }

  /** Starts authenticating a HELLO that asked for `authmethod`: a CHALLENGE to send, or an immediate WELCOME; rejects with an AuthError. */
  async hello(authmethod: string, hello: HelloInfo): Promise<HelloOutcome> {
    const cert = hello.transport?.peerCertificate;
    if (!cert)
      throw new AuthenticationDeniedError('untrusted-certificate', 'tls: no client certificate');
    if ((this.#options.requireAuthorized ?? true) && !cert.authorized) {
      throw new AuthenticationDeniedError(
        'untrusted-certificate',
        'tls: client certificate not trusted',
      );
    }
    const fingerprint = normalizeFingerprint(cert.fingerprint256);
    const principal = await lookupPrincipal(
      this.#table ?? this.#options.lookup!,
      fingerprint,
      hello,
    );
    if (!principal) throw unknownPrincipal('tls');
    const authid = principal.authid ?? cert.subjectCN ?? fingerprint;
    if (hello.authid !== undefined && hello.authid !== authid) {
      throw new NoSuchPrincipalError(
        'tls: the certificate does not belong to the requested authid',
      );
    }
    return {
      kind: 'welcome',
      result: {
        authid,
        authrole: principal.role,
        authmethod,
        authprovider:
          principal.authprovider ??
          this.#options.authprovider ??
          (this.#table ? 'static' : 'dynamic'),
        ...(principal.authextra ? { authextra: principal.authextra } : {}),
      },
    };
  }
}
