/**
 * WAMP-Cryptosign, router side (WAMP AP "Cryptosign-based Authentication"): issues the
 * challenge, checks the client's Ed25519 signature against authorized keys, and signs the
 * client's challenge when it asks for router authentication.
 */

import type { CryptosignKey } from '../client/cryptosign.js';
import { AuthConfigError, AuthenticationDeniedError, NoSuchPrincipalError } from '../errors.js';
import { fromHex, randomBytes, toHex, xorBytes } from '../internal/bytes.js';
import { channelIdFrom, HEX32, verifyCryptosignSignature } from '../internal/cryptosign.js';
import { parsePublicKey } from '../internal/keys.js';
import { lookupPrincipal, oneShot, unknownPrincipal } from '../internal/server.js';
import {
  type HelloInfo,
  type HelloOutcome,
  isChannelBindingType,
  type PrincipalIdentity,
  type ServerAuthenticator,
  type VerifierOptions,
} from '../types.js';

export { verifyCryptosignSignature };

export interface CryptosignPrincipal extends PrincipalIdentity {
  /** Public keys (hex, OpenSSH line, signify or key file text) allowed to act as this principal. */
  authorizedKeys: readonly string[];
}

export interface CryptosignVerifierOptions extends VerifierOptions {
  /** Static table keyed by authid (Crossbar-style `authorized_keys`). */
  principals?: Readonly<Record<string, CryptosignPrincipal>>;
  /** Dynamic lookup by hex public key; the returned `authid` defaults to the HELLO's, then the key. */
  lookup?: (
    pubkeyHex: string,
    hello: HelloInfo,
  ) => PrincipalIdentity | undefined | Promise<PrincipalIdentity | undefined>;
  /** The router's key, for router authentication when the client sends a challenge. */
  routerKey?: CryptosignKey;
}

export class CryptosignVerifier implements ServerAuthenticator {
  readonly authmethods = ['cryptosign'] as const;
  readonly #options: CryptosignVerifierOptions;
  readonly #byKey = new Map<string, { authid: string; principal: CryptosignPrincipal }>();

  constructor(options: CryptosignVerifierOptions) {
    if (!options.principals === !options.lookup) {
      throw new TypeError('CryptosignVerifier needs exactly one of `principals` and `lookup`');
    }
    this.#options = options;
    for (const [authid, principal] of Object.entries(options.principals ?? {})) {
      for (const k of principal.authorizedKeys) {
        const hex = toHex(parsePublicKey(k));
        if (this.#byKey.has(hex))
          throw new AuthConfigError('cryptosign: a public key is listed for two principals');
        this.#byKey.set(hex, { authid, principal });
      }
    }
  }

  /** Starts authenticating a HELLO that asked for `authmethod`: a CHALLENGE to send, or an immediate WELCOME; rejects with an AuthError. */
  async hello(authmethod: string, hello: HelloInfo): Promise<HelloOutcome> {
    const opts = this.#options;
    const { pubkey } = hello.authextra;
    if (typeof pubkey !== 'string' || !HEX32.test(pubkey)) {
      throw new AuthenticationDeniedError(
        'malformed',
        'cryptosign: HELLO.Details.authextra.pubkey is not 32 hex bytes',
      );
    }
    const pubkeyHex = pubkey.toLowerCase();
    const requested = hello.authextra.channel_binding ?? null;
    if (requested !== null && !isChannelBindingType(requested)) {
      throw new AuthenticationDeniedError(
        'channel-binding',
        'cryptosign: unsupported channel binding type',
      );
    }
    const channelId = await channelIdFrom(requested, hello.transport?.channelBinding);
    if (requested && !channelId) {
      throw new AuthenticationDeniedError(
        'channel-binding',
        'cryptosign: channel binding unavailable on this transport',
      );
    }

    let identity: PrincipalIdentity & { authid: string };
    if (opts.principals) {
      const entry = this.#byKey.get(pubkeyHex);
      if (!entry) throw unknownPrincipal('cryptosign');
      identity = { ...entry.principal, authid: entry.principal.authid ?? entry.authid };
    } else {
      const found = await lookupPrincipal(opts.lookup!, pubkeyHex, hello);
      if (!found) throw unknownPrincipal('cryptosign');
      identity = { ...found, authid: found.authid ?? hello.authid ?? pubkeyHex };
    }
    if (hello.authid !== undefined && hello.authid !== identity.authid) {
      throw new NoSuchPrincipalError('cryptosign: the key does not belong to the requested authid');
    }

    const challenge = randomBytes(32);
    const extra: Record<string, unknown> = {
      challenge: toHex(challenge),
      channel_binding: requested,
    };
    const clientChallenge = hello.authextra.challenge;
    if (clientChallenge !== undefined && clientChallenge !== null && opts.routerKey) {
      if (typeof clientChallenge !== 'string' || !HEX32.test(clientChallenge)) {
        throw new AuthenticationDeniedError(
          'malformed',
          'cryptosign: HELLO challenge is not 32 hex bytes',
        );
      }
      extra.pubkey = opts.routerKey.publicKeyHex;
      extra.signature = await opts.routerKey.signChallenge(fromHex(clientChallenge)!, channelId);
    }

    const expected = channelId ? xorBytes(challenge, channelId) : challenge;
    const publicKey = fromHex(pubkeyHex)!;
    const pending = oneShot(opts, 'cryptosign', async (signature) => {
      const outcome = await verifyCryptosignSignature(publicKey, signature, expected);
      if (outcome !== 'ok') {
        throw new AuthenticationDeniedError(
          outcome === 'malformed' ? 'malformed' : 'bad-credentials',
          outcome === 'malformed'
            ? 'cryptosign: malformed AUTHENTICATE'
            : 'cryptosign: invalid signature',
        );
      }
      return {
        authid: identity.authid,
        authrole: identity.role,
        authmethod: 'cryptosign',
        authprovider:
          identity.authprovider ?? opts.authprovider ?? (opts.principals ? 'static' : 'dynamic'),
        ...(identity.authextra ? { authextra: identity.authextra } : {}),
      };
    });
    return { kind: 'challenge', authmethod, extra, pending };
  }
}
