/**
 * WAMP-SCRAM, client side (WAMP AP "Salted Challenge Response Authentication", RFC 5802 +
 * RFC 7677) with the argon2id and PBKDF2 KDFs, channel binding, and the server-signature check
 * on WELCOME.
 *
 * Two dialects share the code. `wamp-scram` is the spec. `scram` is what Autobahn|Python
 * 22.x (`AuthScram`) and Crossbar.io speak: authmethod `scram`, kdf `argon2id-13` whose
 * SaltedPassword is the unpadded Base64 text of the Argon2 hash, no SASLprep of the password,
 * `c=` + channel-binding name (empty) in the AuthMessage, and the server signature in
 * `WELCOME.Details.authextra.scram_server_signature`.
 */
import {
  AuthConfigError,
  ChallengeError,
  CryptoUnavailableError,
  ServerVerificationError,
} from '../errors.js';
import { fromBase64, isRecord, randomBytes, timingSafeEqual, toBase64 } from '../internal/bytes.js';
import { SaslprepError, saslprep } from '../internal/saslprep.js';
import {
  type AuthMessageInput,
  buildAuthMessage,
  computeSaltedPassword,
  computeScramProof,
  KDFS,
  normalize,
  type ScramDialect,
  type ScramKdf,
  type ScramKdfParams,
  type ScramProof,
  scramKeys,
} from '../internal/scram.js';
import {
  type AuthenticateResponse,
  type Authenticator,
  type ChallengeContext,
  type ChannelBindingType,
  isChannelBindingType,
} from '../types.js';

export { SaslprepError, saslprep };
/** Argon2id needs libsodium-wrappers-sumo; supply it instead of the dynamic import. */
export { useLibsodium } from '../internal/sodium.js';
export {
  type AuthMessageInput,
  buildAuthMessage,
  computeSaltedPassword,
  computeScramProof,
  type ScramDialect,
  type ScramKdf,
  type ScramKdfParams,
  type ScramProof,
  scramKeys,
};

/** Bounds on the cost parameters a router may ask for (WAMP AP: abort on unusually low cost). */
export interface ScramLimits {
  /** Default 4096 (RFC 7677 section 4). */
  minPbkdf2Iterations?: number;
  /** Default 2 000 000. */
  maxPbkdf2Iterations?: number;
  /** Default 1. */
  minArgon2Iterations?: number;
  /** Default 10 000. */
  maxArgon2Iterations?: number;
  /** KiB; default 512 (Autobahn|Python's `derive_scram_credential`). */
  minArgon2Memory?: number;
  /** KiB; default 262 144 (256 MiB). */
  maxArgon2Memory?: number;
}

export interface ScramAuthenticatorOptions extends ScramLimits {
  authid: string;
  password: string;
  authrole?: string;
  /** Default `wamp-scram`; `scram` talks to Crossbar.io and Autobahn|Python routers. */
  dialect?: ScramDialect;
  /** Request TLS channel binding (`wamp-scram` only); the transport supplies the data. */
  channelBinding?: ChannelBindingType;
  /** Abort when WELCOME carries no server signature; default true. */
  requireServerSignature?: boolean;
}

interface ScramAttempt {
  clientNonce: string;
  serverSignature?: Uint8Array;
}

export class ScramAuthenticator implements Authenticator {
  readonly authmethod: ScramDialect;
  readonly authid: string;
  readonly authrole: string | undefined;
  readonly #password: string;
  readonly #normalizedAuthid: string;
  readonly #channelBinding: ChannelBindingType | null;
  readonly #limits: Required<ScramLimits>;
  readonly #requireServerSignature: boolean;
  #attempt: ScramAttempt | undefined;
  #cache: { key: string; salted: Promise<Uint8Array> } | undefined;

  constructor(options: ScramAuthenticatorOptions) {
    this.authmethod = options.dialect ?? 'wamp-scram';
    if (typeof options.password !== 'string')
      throw new AuthConfigError('scram: password must be a string');
    if (options.channelBinding !== undefined && !isChannelBindingType(options.channelBinding)) {
      throw new AuthConfigError('scram: unsupported channel binding type');
    }
    if (options.channelBinding && this.authmethod === 'scram') {
      throw new AuthConfigError('scram: channel binding needs the wamp-scram dialect');
    }
    this.authid = options.authid;
    this.authrole = options.authrole;
    this.#password = options.password;
    this.#normalizedAuthid = normalize(options.authid, 'authid');
    this.#channelBinding = options.channelBinding ?? null;
    this.#requireServerSignature = options.requireServerSignature ?? true;
    this.#limits = {
      minPbkdf2Iterations: options.minPbkdf2Iterations ?? 4096,
      maxPbkdf2Iterations: options.maxPbkdf2Iterations ?? 2_000_000,
      minArgon2Iterations: options.minArgon2Iterations ?? 1,
      maxArgon2Iterations: options.maxArgon2Iterations ?? 10_000,
      minArgon2Memory: options.minArgon2Memory ?? 512,
      maxArgon2Memory: options.maxArgon2Memory ?? 262_144,
    };
  }

  /** HELLO.Details.authextra: a fresh client nonce per HELLO (kept until its CHALLENGE). */
  get authextra(): Record<string, unknown> {
    this.#attempt ??= { clientNonce: toBase64(randomBytes(16)) };
    return this.authmethod === 'wamp-scram'
      ? { nonce: this.#attempt.clientNonce, channel_binding: this.#channelBinding }
      : { nonce: this.#attempt.clientNonce };
  }

  async onChallenge(
    method: string,
    extra: Record<string, unknown>,
    context?: ChallengeContext,
  ): Promise<AuthenticateResponse> {
    if (method !== this.authmethod)
      throw new ChallengeError(`unexpected challenge method "${method}"`);
    const attempt = this.#attempt;
    if (!attempt || attempt.serverSignature)
      throw new ChallengeError('scram: CHALLENGE without a HELLO nonce');
    const params = this.#checkParams(extra);
    const { nonce } = extra;
    if (
      typeof nonce !== 'string' ||
      nonce.length > 1024 ||
      nonce.length <= attempt.clientNonce.length ||
      !nonce.startsWith(attempt.clientNonce)
    ) {
      throw new ChallengeError('scram: server nonce does not extend the client nonce');
    }
    let cbindData: Uint8Array | null = null;
    if (this.authmethod === 'wamp-scram') {
      const requested = extra.channel_binding ?? null;
      if (requested !== this.#channelBinding) {
        throw new ChallengeError('scram: channel binding differs from the one requested');
      }
      if (this.#channelBinding) {
        cbindData = context?.channelBinding?.[this.#channelBinding] ?? null;
        if (!cbindData)
          throw new ChallengeError('scram: the transport provides no channel binding data');
      }
    }
    const key = `${params.kdf}|${params.salt}|${params.iterations}|${params.memory}`;
    if (this.#cache?.key !== key) {
      const salted = computeSaltedPassword(this.#password, params, this.authmethod);
      salted.catch(() => undefined);
      this.#cache = { key, salted };
    }
    let salted: Uint8Array;
    try {
      salted = await this.#cache.salted;
    } catch (cause) {
      this.#cache = undefined;
      // A missing primitive (no libsodium for Argon2id) is not the router's fault: say so.
      if (cause instanceof CryptoUnavailableError) throw cause;
      throw new ChallengeError('scram: key derivation failed', { cause });
    }
    const authMessage = buildAuthMessage({
      dialect: this.authmethod,
      authid: this.#normalizedAuthid,
      clientNonce: attempt.clientNonce,
      nonce,
      salt: params.salt,
      iterations: params.iterations,
      channelBinding: this.#channelBinding,
      cbindData,
    });
    const { clientProof, serverSignature } = await computeScramProof(salted, authMessage);
    attempt.serverSignature = serverSignature;
    return {
      signature: toBase64(clientProof),
      extra:
        this.authmethod === 'wamp-scram'
          ? {
              nonce,
              channel_binding: this.#channelBinding,
              cbind_data: cbindData ? toBase64(cbindData) : null,
            }
          : {},
    };
  }

  /** Mutual authentication: checks the ServerSignature in WELCOME (WAMP AP "ServerSignature"). */
  onWelcome(details: Record<string, unknown>): void {
    const attempt = this.#attempt;
    this.#attempt = undefined;
    const expected = attempt?.serverSignature;
    if (!expected)
      throw new ServerVerificationError('scram: WELCOME without a completed challenge');
    const authextra = isRecord(details.authextra) ? details.authextra : {};
    let alleged = authextra.verifier ?? authextra.scram_server_signature;
    if (alleged === undefined || alleged === null) {
      if (this.#requireServerSignature) {
        throw new ServerVerificationError('scram: WELCOME carries no server signature');
      }
      return;
    }
    if (typeof alleged === 'string' && alleged.startsWith('v=')) alleged = alleged.slice(2);
    const got = typeof alleged === 'string' ? fromBase64(alleged) : undefined;
    if (!got || !timingSafeEqual(got, expected)) {
      throw new ServerVerificationError('scram: server signature does not verify');
    }
  }

  #checkParams(extra: Record<string, unknown>): ScramKdfParams {
    const { kdf, salt, iterations, memory } = extra;
    const lim = this.#limits;
    if (typeof kdf !== 'string' || !KDFS.includes(kdf as ScramKdf)) {
      throw new ChallengeError('scram: unsupported kdf');
    }
    if (typeof salt !== 'string' || !fromBase64(salt)?.length) {
      throw new ChallengeError('scram: salt is not canonical Base64');
    }
    const inRange = (v: unknown, lo: number, hi: number): v is number =>
      typeof v === 'number' && Number.isSafeInteger(v) && v >= lo && v <= hi;
    if (kdf === 'pbkdf2') {
      if (!inRange(iterations, lim.minPbkdf2Iterations, lim.maxPbkdf2Iterations)) {
        throw new ChallengeError('scram: pbkdf2 iterations outside the accepted range');
      }
      return { kdf, salt, iterations };
    }
    if (!inRange(iterations, lim.minArgon2Iterations, lim.maxArgon2Iterations)) {
      throw new ChallengeError('scram: argon2id iterations outside the accepted range');
    }
    if (!inRange(memory, lim.minArgon2Memory, lim.maxArgon2Memory)) {
      throw new ChallengeError('scram: argon2id memory outside the accepted range');
    }
    return { kdf: kdf as ScramKdf, salt, iterations, memory };
  }
}

/** Client-side factory: `scram({ authid, password })`. */
export function scram(options: ScramAuthenticatorOptions): ScramAuthenticator {
  return new ScramAuthenticator(options);
}
