/**
 * WAMP Challenge-Response Authentication, router side (WAMP AP "Challenge Response
 * Authentication"): issues the challenge and checks the HMAC-SHA256 signature.
 */
import { fromBase64, randomBytes, timingSafeEqual, toBase64, utf8 } from '../internal/bytes.js';
import {
  denied,
  lookupPrincipal,
  oneShot,
  requireAuthid,
  unknownPrincipal,
} from '../internal/server.js';
import { hmacSha256 } from '../internal/webcrypto.js';
import type {
  HelloInfo,
  HelloOutcome,
  PrincipalIdentity,
  PrincipalSource,
  ServerAuthenticator,
  VerifierOptions,
} from '../types.js';

export interface WampCraPrincipal extends PrincipalIdentity {
  /**
   * The shared secret. For a salted principal this is the derived key (what `deriveKey`
   * returns), so the password itself is never stored.
   */
  secret: string;
  salt?: string;
  iterations?: number;
  keylen?: number;
}

export interface WampCraVerifierOptions extends VerifierOptions {
  /** Static table keyed by authid, or a dynamic lookup by authid. */
  principals: PrincipalSource<WampCraPrincipal>;
}

export class WampCraVerifier implements ServerAuthenticator {
  readonly authmethods = ['wampcra'] as const;
  readonly #options: WampCraVerifierOptions;

  constructor(options: WampCraVerifierOptions) {
    this.#options = options;
  }

  /** Starts authenticating a HELLO that asked for `authmethod`: a CHALLENGE to send, or an immediate WELCOME; rejects with an AuthError. */
  async hello(authmethod: string, hello: HelloInfo): Promise<HelloOutcome> {
    const opts = this.#options;
    const authid = requireAuthid(hello, 'wampcra');
    const principal = await lookupPrincipal(opts.principals, authid, hello);
    if (!principal) throw unknownPrincipal('wampcra');
    const now = opts.now ?? Date.now;
    const authprovider = principal.authprovider ?? opts.authprovider ?? 'static';
    const finalAuthid = principal.authid ?? authid;
    // The challenge binds nonce, time, identity and session ID (WAMP AP "Server-side Verification").
    const challenge = JSON.stringify({
      authid: finalAuthid,
      authrole: principal.role,
      authmethod: 'wampcra',
      authprovider,
      nonce: toBase64(randomBytes(16)),
      timestamp: new Date(now()).toISOString(),
      ...(hello.sessionId !== undefined ? { session: hello.sessionId } : {}),
    });
    const extra: Record<string, unknown> = { challenge };
    if (principal.salt !== undefined) {
      extra.salt = principal.salt;
      extra.iterations = principal.iterations ?? 1000;
      extra.keylen = principal.keylen ?? 32;
    }
    const pending = oneShot(opts, 'wampcra', async (signature) => {
      const got = fromBase64(signature);
      if (!got || got.length !== 32) throw denied('wampcra', 'malformed');
      const want = await hmacSha256(utf8(principal.secret), utf8(challenge));
      if (!timingSafeEqual(got, want)) throw denied('wampcra', 'bad-credentials');
      return {
        authid: finalAuthid,
        authrole: principal.role,
        authmethod: 'wampcra',
        authprovider,
        ...(principal.authextra ? { authextra: principal.authextra } : {}),
      };
    });
    return { kind: 'challenge', authmethod, extra, pending };
  }
}
