/**
 * WAMP Challenge-Response Authentication, client side (WAMP AP "Challenge Response
 * Authentication"): signature = Base64(HMAC-SHA256(secret, challenge)), with optional PBKDF2
 * password salting.
 */
import { AuthConfigError, ChallengeError } from '../errors.js';
import { toBase64, utf8 } from '../internal/bytes.js';
import { hmacSha256, pbkdf2Sha256 } from '../internal/webcrypto.js';
import type { AuthenticateResponse, Authenticator } from '../types.js';

/**
 * Derives the salted WAMP-CRA secret: PBKDF2-HMAC-SHA256 over the UTF-8 secret with the UTF-8
 * salt string, returned Base64-encoded. That Base64 text (not the raw key) is the HMAC key, as
 * in Autobahn|Python `derive_key` and Autobahn|JS `auth_cra.derive_key`.
 */
export async function deriveKey(
  secret: string,
  salt: string,
  iterations = 1000,
  keylen = 32,
): Promise<string> {
  return toBase64(await pbkdf2Sha256(utf8(secret), utf8(salt), iterations, keylen));
}

/** The WAMP-CRA signature over `challenge` with `key` (the secret or the derived key). */
export async function computeSignature(key: string, challenge: string): Promise<string> {
  return toBase64(await hmacSha256(utf8(key), utf8(challenge)));
}

/** Bounds a client applies to the PBKDF2 parameters a router asks for. */
export interface WampCraLimits {
  /** Default 1 (WAMP-CRA deployments commonly use 1000). */
  minIterations?: number;
  /** Default 1 000 000. */
  maxIterations?: number;
  /** Default 256 bytes. */
  maxKeylen?: number;
}

export interface WampCraAuthenticatorOptions extends WampCraLimits {
  authid: string;
  secret: string;
  authrole?: string;
  authextra?: Record<string, unknown>;
}

function integerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

export class WampCraAuthenticator implements Authenticator {
  readonly authmethod = 'wampcra';
  readonly authid: string;
  readonly authrole: string | undefined;
  readonly authextra: Record<string, unknown> | undefined;
  readonly #secret: string;
  readonly #limits: Required<WampCraLimits>;
  readonly #derived = new Map<string, Promise<string>>();

  constructor(options: WampCraAuthenticatorOptions) {
    if (typeof options.secret !== 'string')
      throw new AuthConfigError('wampcra: secret must be a string');
    this.authid = options.authid;
    this.authrole = options.authrole;
    this.authextra = options.authextra;
    this.#secret = options.secret;
    this.#limits = {
      minIterations: options.minIterations ?? 1,
      maxIterations: options.maxIterations ?? 1_000_000,
      maxKeylen: options.maxKeylen ?? 256,
    };
  }

  async onChallenge(method: string, extra: Record<string, unknown>): Promise<AuthenticateResponse> {
    if (method !== 'wampcra') throw new ChallengeError(`unexpected challenge method "${method}"`);
    const { challenge, salt, iterations, keylen } = extra;
    if (typeof challenge !== 'string')
      throw new ChallengeError('wampcra: CHALLENGE.Extra.challenge must be a string');
    let key = this.#secret;
    if (salt !== undefined && salt !== null) {
      const lim = this.#limits;
      if (typeof salt !== 'string') throw new ChallengeError('wampcra: salt must be a string');
      const iter = iterations ?? 1000;
      const len = keylen ?? 32;
      if (!integerIn(iter, lim.minIterations, lim.maxIterations)) {
        throw new ChallengeError('wampcra: iterations outside the accepted range');
      }
      if (!integerIn(len, 1, lim.maxKeylen))
        throw new ChallengeError('wampcra: keylen outside the accepted range');
      // Reconnects reuse the derived key instead of running PBKDF2 again.
      const cacheKey = `${iter}:${len}:${salt}`;
      let derived = this.#derived.get(cacheKey);
      if (!derived) {
        derived = deriveKey(this.#secret, salt, iter, len);
        this.#derived.clear();
        this.#derived.set(cacheKey, derived);
      }
      key = await derived;
    }
    return { signature: await computeSignature(key, challenge), extra: {} };
  }
}

/** Client-side factory: `wampcra({ authid, secret })`. */
export function wampcra(options: WampCraAuthenticatorOptions): WampCraAuthenticator {
  return new WampCraAuthenticator(options);
}
