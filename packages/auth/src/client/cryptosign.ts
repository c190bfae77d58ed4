/**
 * WAMP-Cryptosign, client side (WAMP AP "Cryptosign-based Authentication"): Ed25519 signatures
 * over a 32-byte router challenge, optionally XORed with a TLS channel ID, and optional router
 * authentication (the router signs a client challenge).
 */
import {
  AuthConfigError,
  ChallengeError,
  KeyFormatError,
  ServerVerificationError,
} from '../errors.js';
import { fromHex, randomBytes, timingSafeEqual, toHex, xorBytes } from '../internal/bytes.js';
import {
  channelIdFrom,
  cryptosignChannelId,
  HEX32,
  verifyCryptosignSignature,
} from '../internal/cryptosign.js';
import { type Ed25519Backend, type Ed25519Signer, ed25519FromSeed } from '../internal/ed25519.js';
import { parsePrivateKey, parsePublicKey } from '../internal/keys.js';
import {
  type AuthenticateResponse,
  type Authenticator,
  type ChallengeContext,
  type ChannelBindingType,
  isChannelBindingType,
} from '../types.js';

export type { Ed25519Backend };
export { cryptosignChannelId, parsePublicKey };
/** The Ed25519 fallback where WebCrypto lacks it; supply libsodium instead of the dynamic import. */
export { useLibsodium } from '../internal/sodium.js';

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
