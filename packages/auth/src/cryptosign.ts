/**
 * WAMP-Cryptosign (WAMP AP "Cryptosign-based Authentication"): Ed25519 signatures over a
 * 32-byte router challenge, optionally XORed with a TLS channel ID, and optional router
 * authentication (the router signs a client challenge).
 */
import {
  AuthConfigError,
  AuthenticationDeniedError,
  ChallengeError,
  KeyFormatError,
  NoSuchPrincipalError,
  ServerVerificationError,
} from './errors.js';
import { fromHex, randomBytes, timingSafeEqual, toHex, xorBytes } from './internal/bytes.js';
import {
  type Ed25519Backend,
  type Ed25519Signer,
  ed25519FromSeed,
  ed25519Verify,
} from './internal/ed25519.js';
import { parsePrivateKey, parsePublicKey } from './internal/keys.js';
import { lookupPrincipal, oneShot, unknownPrincipal } from './internal/server.js';
import { sha256 } from './internal/webcrypto.js';
import {
  type AuthenticateResponse,
  type Authenticator,
  type ChallengeContext,
  type ChannelBindingData,
  type ChannelBindingType,
  type HelloInfo,
  type HelloOutcome,
  isChannelBindingType,
  type PrincipalIdentity,
  type ServerAuthenticator,
  type VerifierOptions,
} from './types.js';

export type { Ed25519Backend };
export { parsePublicKey };

const HEX32 = /^[0-9a-fA-F]{64}$/;
const HEX96 = /^[0-9a-fA-F]{192}$/;

/** An Ed25519 signing key for WAMP-cryptosign. */
export class CryptosignKey {
  readonly publicKey: Uint8Array;
  readonly comment: string | undefined;
  readonly #signer: Ed25519Signer;

  private constructor(signer: Ed25519Signer, comment?: string) {
    this.#signer = signer;
    this.publicKey = signer.publicKey;
    this.comment = comment;
  }

  /** From a 32-byte seed (Autobahn|Python `CryptosignKey.from_bytes`). */
  static async fromSeed(
    seed: Uint8Array,
    options: { backend?: Ed25519Backend } = {},
  ): Promise<CryptosignKey> {
    if (!(seed instanceof Uint8Array) || seed.length !== 32)
      throw new KeyFormatError('an Ed25519 seed is 32 bytes');
    return new CryptosignKey(await ed25519FromSeed(seed, options.backend));
  }

  /**
   * From key material in any format Autobahn|Python reads: a 64-hex-character seed, 32 raw
   * bytes (a `from_file` key file), its `private-key-ed25519:` key file, or an unencrypted
   * OpenSSH private key. A public key stored alongside must match.
   */
  static async load(
    input: string | Uint8Array,
    options: { backend?: Ed25519Backend } = {},
  ): Promise<CryptosignKey> {
    const parsed = parsePrivateKey(input);
    const key = new CryptosignKey(
      await ed25519FromSeed(parsed.seed, options.backend),
      'comment' in parsed ? parsed.comment : undefined,
    );
    parsed.seed.fill(0);
    if (parsed.publicKey && !timingSafeEqual(parsed.publicKey, key.publicKey)) {
      throw new KeyFormatError('the public key in the key file does not match its private key');
    }
    return key;
  }

  /** A new random key. */
  static async generate(options: { backend?: Ed25519Backend } = {}): Promise<CryptosignKey> {
    const seed = randomBytes(32);
    const key = await CryptosignKey.fromSeed(seed, options);
    seed.fill(0);
    return key;
  }

  get publicKeyHex(): string {
    return toHex(this.publicKey);
  }

  /** Signs `message` with the Ed25519 private key; resolves with the 64-byte signature. */
  sign(message: Uint8Array): Promise<Uint8Array> {
    return this.#signer.sign(message);
  }

  /**
   * The AUTHENTICATE signature: hex of Ed25519(challenge XOR channelId) followed by the signed
   * 32 bytes (96 bytes, WAMP AP "Computing the Signature").
   */
  async signChallenge(challenge: Uint8Array, channelId?: Uint8Array): Promise<string> {
    const message = channelId ? xorBytes(challenge, channelId) : challenge;
    return toHex(await this.sign(message)) + toHex(message);
  }
}

/**
 * The 32-byte channel ID cryptosign XORs into the challenge: SHA-256 of the `tls-unique` data
 * (as Autobahn|Python computes it), or the 32 `tls-exporter` bytes (RFC 9266).
 */
export async function cryptosignChannelId(
  type: ChannelBindingType,
  data: Uint8Array,
): Promise<Uint8Array> {
  if (type === 'tls-unique') return sha256(data);
  if (data.length !== 32)
    throw new RangeError('tls-exporter channel binding data must be 32 bytes');
  return data;
}

async function channelIdFrom(
  type: ChannelBindingType | null,
  data: ChannelBindingData | undefined,
): Promise<Uint8Array | undefined> {
  if (type === null) return undefined;
  const raw = data?.[type];
  return raw ? cryptosignChannelId(type, raw) : undefined;
}

/** Verifies a `signature || message` hex string against `publicKey` and the expected message. */
export async function verifyCryptosignSignature(
  publicKey: Uint8Array,
  signatureHex: string,
  expectedMessage: Uint8Array,
  backend?: Ed25519Backend,
): Promise<'ok' | 'malformed' | 'bad'> {
  if (typeof signatureHex !== 'string' || !HEX96.test(signatureHex)) return 'malformed';
  const bytes = fromHex(signatureHex)!;
  const signature = bytes.subarray(0, 64);
  const message = bytes.subarray(64);
  const sameMessage = timingSafeEqual(message, expectedMessage);
  const valid = await ed25519Verify(publicKey, expectedMessage, signature, backend);
  return sameMessage && valid ? 'ok' : 'bad';
}

// ---------------------------------------------------------------------------------------------
// Client side

/** Options of cryptosign(): the key, the identity asked for, channel binding and router authentication. */
export interface CryptosignAuthenticatorOptions {
  key: CryptosignKey;
  authid?: string;
  authrole?: string;
  /** Extra HELLO authextra members; `pubkey`, `challenge` and `channel_binding` are set here. */
  authextra?: Record<string, unknown>;
  /** Bind to the TLS channel; the transport supplies the data in `ChallengeContext`. */
  channelBinding?: ChannelBindingType;
  /**
   * Router authentication: hex public keys of routers to trust. When set, every HELLO carries a
   * fresh `challenge` and the CHALLENGE must carry a valid router signature by one of them.
   */
  trustedRouterKeys?: readonly string[];
}

export class CryptosignAuthenticator implements Authenticator {
  readonly authmethod = 'cryptosign';
  readonly authid: string | undefined;
  readonly authrole: string | undefined;
  readonly #key: CryptosignKey;
  readonly #extra: Record<string, unknown>;
  readonly #channelBinding: ChannelBindingType | null;
  readonly #trusted: Uint8Array[] | undefined;
  #routerChallenge: Uint8Array | undefined;

  constructor(options: CryptosignAuthenticatorOptions) {
    if (!(options.key instanceof CryptosignKey))
      throw new AuthConfigError('cryptosign: key must be a CryptosignKey');
    if (options.channelBinding !== undefined && !isChannelBindingType(options.channelBinding)) {
      throw new AuthConfigError('cryptosign: unsupported channel binding type');
    }
    this.authid = options.authid;
    this.authrole = options.authrole;
    this.#key = options.key;
    this.#extra = { ...options.authextra };
    this.#channelBinding = options.channelBinding ?? null;
    this.#trusted = options.trustedRouterKeys?.map((k) => parsePublicKey(k));
  }

  get publicKeyHex(): string {
    return this.#key.publicKeyHex;
  }

  get authextra(): Record<string, unknown> {
    const extra: Record<string, unknown> = { ...this.#extra, pubkey: this.#key.publicKeyHex };
    if (this.#channelBinding) extra.channel_binding = this.#channelBinding;
    if (this.#trusted) {
      this.#routerChallenge ??= randomBytes(32);
      extra.challenge = toHex(this.#routerChallenge);
    }
    return extra;
  }

  async onChallenge(
    method: string,
    extra: Record<string, unknown>,
    context?: ChallengeContext,
  ): Promise<AuthenticateResponse> {
    if (method !== 'cryptosign')
      throw new ChallengeError(`unexpected challenge method "${method}"`);
    const challengeHex = extra.challenge;
    if (typeof challengeHex !== 'string' || !HEX32.test(challengeHex)) {
      throw new ChallengeError('cryptosign: CHALLENGE.Extra.challenge is not 32 hex bytes');
    }
    // The client MUST check the router uses the channel binding it asked for.
    if ((extra.channel_binding ?? null) !== this.#channelBinding) {
      throw new ChallengeError('cryptosign: channel binding differs from the one requested');
    }
    const channelId = await channelIdFrom(this.#channelBinding, context?.channelBinding);
    if (this.#channelBinding && !channelId) {
      throw new ChallengeError('cryptosign: the transport provides no channel binding data');
    }
    if (this.#trusted) await this.#verifyRouter(extra, channelId);
    const signature = await this.#key.signChallenge(fromHex(challengeHex)!, channelId);
    return { signature, extra: {} };
  }

  async #verifyRouter(
    extra: Record<string, unknown>,
    channelId: Uint8Array | undefined,
  ): Promise<void> {
    const mine = this.#routerChallenge;
    this.#routerChallenge = undefined;
    if (!mine) throw new ChallengeError('cryptosign: CHALLENGE without a HELLO challenge');
    const { pubkey, signature } = extra;
    if (typeof pubkey !== 'string' || !HEX32.test(pubkey) || typeof signature !== 'string') {
      throw new ServerVerificationError('cryptosign: router did not authenticate');
    }
    const routerKey = fromHex(pubkey)!;
    if (!this.#trusted!.some((k) => timingSafeEqual(k, routerKey))) {
      throw new ServerVerificationError('cryptosign: router key is not trusted');
    }
    const expected = channelId ? xorBytes(mine, channelId) : mine;
    if ((await verifyCryptosignSignature(routerKey, signature, expected)) !== 'ok') {
      throw new ServerVerificationError('cryptosign: router signature does not verify');
    }
  }
}

/** Client-side factory: `cryptosign({ key: await CryptosignKey.load(hexSeed) })`. */
export function cryptosign(options: CryptosignAuthenticatorOptions): CryptosignAuthenticator {
  return new CryptosignAuthenticator(options);
}

// ---------------------------------------------------------------------------------------------
// Router side

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
