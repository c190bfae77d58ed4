/**
 * WAMP-SCRAM (WAMP AP "Salted Challenge Response Authentication", RFC 5802 + RFC 7677) with the
 * argon2id and PBKDF2 KDFs, channel binding, and the server-signature check on WELCOME.
 *
 * Two dialects share the code. `wamp-scram` is the spec. `scram` is what Autobahn|Python
 * 22.x (`AuthScram`) and Crossbar.io speak: authmethod `scram`, kdf `argon2id-13` whose
 * SaltedPassword is the unpadded Base64 text of the Argon2 hash, no SASLprep of the password,
 * `c=` + channel-binding name (empty) in the AuthMessage, and the server signature in
 * `WELCOME.Details.authextra.scram_server_signature`.
 */
import {
  AuthConfigError,
  AuthenticationDeniedError,
  ChallengeError,
  ServerVerificationError,
} from './errors.js';
import {
  concatBytes,
  fromBase64,
  fromHex,
  isRecord,
  randomBytes,
  timingSafeEqual,
  toBase64,
  utf8,
  xorBytes,
} from './internal/bytes.js';
import { SaslprepError, saslprep } from './internal/saslprep.js';
import { lookupPrincipal, oneShot, requireAuthid } from './internal/server.js';
import { loadSodiumSumo } from './internal/sodium.js';
import { hmacSha256, pbkdf2Sha256, sha256 } from './internal/webcrypto.js';
import {
  type AuthenticateResponse,
  type Authenticator,
  type ChallengeContext,
  type ChannelBindingType,
  type HelloInfo,
  type HelloOutcome,
  isChannelBindingType,
  type PrincipalIdentity,
  type PrincipalSource,
  type ServerAuthenticator,
  type VerifierOptions,
} from './types.js';

export { SaslprepError, saslprep };

/** `argon2id13` (spec), `argon2id-13` (Autobahn|Python/Crossbar encoding), `pbkdf2`. */
export type ScramKdf = 'argon2id13' | 'argon2id-13' | 'pbkdf2';
/** The authmethod string: `wamp-scram` (spec) or `scram` (Autobahn|Python 22.x / Crossbar). */
export type ScramDialect = 'wamp-scram' | 'scram';

const KDFS: readonly ScramKdf[] = ['argon2id13', 'argon2id-13', 'pbkdf2'];
const isArgon2 = (kdf: ScramKdf) => kdf !== 'pbkdf2';

/** The key-derivation parameters of a SCRAM credential (kdf, salt, iterations, memory). */
export interface ScramKdfParams {
  kdf: ScramKdf;
  /** Base64 salt. Argon2id through libsodium needs exactly 16 bytes. */
  salt: string;
  iterations: number;
  /** Argon2id memory cost in KiB. */
  memory?: number | undefined;
}

/** What a router stores per user (WAMP AP "Data Stored on the Server"); keys Base64. */
export interface ScramCredential extends ScramKdfParams {
  storedKey: string;
  serverKey: string;
}

function normalize(text: string, what: string): string {
  try {
    return saslprep(text);
  } catch (cause) {
    throw new AuthConfigError(`${what} is not a valid SASLprep string`, { cause });
  }
}

/**
 * SaltedPassword = KDF(Normalize(password), salt, params). The `scram` dialect (Autobahn) does
 * not normalize the password.
 */
export async function computeSaltedPassword(
  password: string,
  params: ScramKdfParams,
  dialect: ScramDialect = 'wamp-scram',
): Promise<Uint8Array> {
  const salt = fromBase64(params.salt);
  if (!salt || salt.length === 0) throw new AuthConfigError('scram: salt is not canonical Base64');
  const secret = utf8(dialect === 'wamp-scram' ? normalize(password, 'password') : password);
  if (params.kdf === 'pbkdf2') return pbkdf2Sha256(secret, salt, params.iterations, 32);
  if (params.memory === undefined) throw new AuthConfigError('scram: argon2id needs a memory cost');
  if (salt.length !== 16) {
    throw new AuthConfigError('scram: argon2id needs a 16-byte salt (libsodium crypto_pwhash)');
  }
  const sodium = await loadSodiumSumo();
  // Argon2id v1.3, parallelism 1, 32-byte output (WAMP AP "Argon2").
  const raw = sodium.crypto_pwhash(
    32,
    secret,
    salt,
    params.iterations,
    params.memory * 1024,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  return params.kdf === 'argon2id-13' ? utf8(toBase64(raw, false)) : raw;
}

const CLIENT_KEY = utf8('Client Key');
const SERVER_KEY = utf8('Server Key');

/** StoredKey and ServerKey from a SaltedPassword (RFC 5802 section 3). */
export async function scramKeys(
  salted: Uint8Array,
): Promise<{ clientKey: Uint8Array; storedKey: Uint8Array; serverKey: Uint8Array }> {
  const clientKey = await hmacSha256(salted, CLIENT_KEY);
  return {
    clientKey,
    storedKey: await sha256(clientKey),
    serverKey: await hmacSha256(salted, SERVER_KEY),
  };
}

/** Options of deriveScramCredential(). */
export interface DeriveScramCredentialOptions {
  password: string;
  kdf: ScramKdf;
  iterations: number;
  memory?: number;
  /** Base64 salt, or raw bytes; default 16 random bytes. */
  salt?: string | Uint8Array;
  /** Which client dialect the credential serves; default follows the kdf (`argon2id-13` -> `scram`). */
  dialect?: ScramDialect;
}

/** Registration-time helper: the credential a router stores for a password. */
export async function deriveScramCredential(
  options: DeriveScramCredentialOptions,
): Promise<ScramCredential> {
  const salt =
    typeof options.salt === 'string' ? options.salt : toBase64(options.salt ?? randomBytes(16));
  const params: ScramKdfParams = {
    kdf: options.kdf,
    salt,
    iterations: options.iterations,
    ...(isArgon2(options.kdf) ? { memory: options.memory ?? 65536 } : {}),
  };
  const dialect = options.dialect ?? (options.kdf === 'argon2id-13' ? 'scram' : 'wamp-scram');
  const { storedKey, serverKey } = await scramKeys(
    await computeSaltedPassword(options.password, params, dialect),
  );
  return { ...params, storedKey: toBase64(storedKey), serverKey: toBase64(serverKey) };
}

/**
 * Converts a credential in the Crossbar.io config format (Autobahn|Python
 * `derive_scram_credential`: hex salt and keys, `stored-key`/`server-key`).
 */
export function scramCredentialFromCrossbar(c: {
  kdf: string;
  iterations: number;
  memory?: number;
  salt: string;
  'stored-key': string;
  'server-key': string;
}): ScramCredential {
  const salt = fromHex(c.salt);
  const stored = fromHex(c['stored-key']);
  const server = fromHex(c['server-key']);
  if (!salt || !stored || !server || !KDFS.includes(c.kdf as ScramKdf)) {
    throw new AuthConfigError('scram: not a Crossbar.io SCRAM credential');
  }
  return {
    kdf: c.kdf as ScramKdf,
    salt: toBase64(salt),
    iterations: c.iterations,
    ...(c.memory !== undefined ? { memory: c.memory } : {}),
    storedKey: toBase64(stored),
    serverKey: toBase64(server),
  };
}

/** RFC 5802 section 5.1 `saslname` escaping (WAMP AP "Escape"). */
function escapeName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** The parts of the SCRAM AuthMessage (RFC 5802 §3) that both sides compute. */
export interface AuthMessageInput {
  dialect: ScramDialect;
  /** Normalized authid. */
  authid: string;
  clientNonce: string;
  /** CHALLENGE.Details.nonce (client nonce + server nonce). */
  nonce: string;
  salt: string;
  iterations: number;
  channelBinding: ChannelBindingType | null;
  cbindData: Uint8Array | null;
}

/** The AuthMessage both ClientProof and ServerSignature are computed over (WAMP AP "AuthMessage"). */
export function buildAuthMessage(m: AuthMessageInput): Uint8Array {
  const clientFirstBare =
    m.dialect === 'wamp-scram'
      ? `n=${escapeName(m.authid)},r=${m.clientNonce}`
      : `n=${m.authid},r=${m.clientNonce}`;
  const serverFirst = `r=${m.nonce},s=${m.salt},i=${m.iterations}`;
  let channel: string;
  if (m.dialect === 'wamp-scram') {
    const flag = m.channelBinding === null ? 'n' : `p=${m.channelBinding}`;
    channel = toBase64(concatBytes(utf8(`${flag},,`), m.cbindData ?? new Uint8Array(0)));
  } else {
    channel = m.channelBinding ?? '';
  }
  return utf8(`${clientFirstBare},${serverFirst},c=${channel},r=${m.nonce}`);
}

/** A computed ClientProof and the ServerSignature to expect. */
export interface ScramProof {
  clientProof: Uint8Array;
  serverSignature: Uint8Array;
}

/** ClientProof and the ServerSignature to expect, from SaltedPassword and AuthMessage. */
export async function computeScramProof(
  salted: Uint8Array,
  authMessage: Uint8Array,
): Promise<ScramProof> {
  const { clientKey, storedKey, serverKey } = await scramKeys(salted);
  const clientSignature = await hmacSha256(storedKey, authMessage);
  return {
    clientProof: xorBytes(clientKey, clientSignature),
    serverSignature: await hmacSha256(serverKey, authMessage),
  };
}

// ---------------------------------------------------------------------------------------------
// Client side

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

// ---------------------------------------------------------------------------------------------
// Router side

export interface ScramPrincipal extends PrincipalIdentity {
  credential: ScramCredential;
}

export interface ScramVerifierOptions extends VerifierOptions {
  /** Static table keyed by (SASLprep-normalized) authid, or a dynamic lookup. */
  principals: PrincipalSource<ScramPrincipal>;
  /**
   * Unknown authids get a mock CHALLENGE whose salt is stable per authid, so the CHALLENGE does
   * not reveal whether a user exists (WAMP AP "Initial Client Authentication Message"). These
   * are the cost parameters it shows; default pbkdf2 with 4096 iterations.
   */
  mockParams?: { kdf: ScramKdf; iterations: number; memory?: number };
}

function base64Nonce(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 256) return false;
  const bytes = fromBase64(value);
  return bytes !== undefined && bytes.length >= 8;
}

export class ScramVerifier implements ServerAuthenticator {
  readonly authmethods = ['wamp-scram', 'scram'] as const;
  readonly #options: ScramVerifierOptions;
  readonly #mockKey = randomBytes(32);

  constructor(options: ScramVerifierOptions) {
    this.#options = options;
  }

  /** Starts authenticating a HELLO that asked for `authmethod`: a CHALLENGE to send, or an immediate WELCOME; rejects with an AuthError. */
  async hello(authmethod: string, hello: HelloInfo): Promise<HelloOutcome> {
    const opts = this.#options;
    const dialect: ScramDialect = authmethod === 'scram' ? 'scram' : 'wamp-scram';
    const raw = requireAuthid(hello, authmethod);
    let authid: string;
    try {
      authid = saslprep(raw);
    } catch (cause) {
      throw new AuthenticationDeniedError(
        'malformed',
        'scram: authid is not a valid SASLprep string',
        {
          cause,
        },
      );
    }
    const clientNonce = hello.authextra.nonce;
    if (!base64Nonce(clientNonce)) {
      throw new AuthenticationDeniedError(
        'malformed',
        'scram: HELLO.Details.authextra.nonce is not a Base64 nonce',
      );
    }
    let channelBinding: ChannelBindingType | null = null;
    let cbindData: Uint8Array | null = null;
    const requested = hello.authextra.channel_binding ?? null;
    if (requested !== null) {
      if (dialect !== 'wamp-scram' || !isChannelBindingType(requested)) {
        throw new AuthenticationDeniedError(
          'channel-binding',
          'scram: unsupported channel binding type',
        );
      }
      cbindData = hello.transport?.channelBinding?.[requested] ?? null;
      if (!cbindData) {
        throw new AuthenticationDeniedError(
          'channel-binding',
          'scram: channel binding unavailable on this transport',
        );
      }
      channelBinding = requested;
    }

    const principal = await lookupPrincipal(opts.principals, authid, hello);
    const credential = principal?.credential ?? (await this.#mockCredential(authid));
    const nonce = clientNonce + toBase64(randomBytes(16));
    const argon = isArgon2(credential.kdf);
    const extra: Record<string, unknown> =
      dialect === 'wamp-scram'
        ? {
            nonce,
            salt: credential.salt,
            kdf: credential.kdf,
            iterations: credential.iterations,
            memory: argon ? (credential.memory ?? null) : null,
            channel_binding: channelBinding,
          }
        : {
            // Autobahn|Python rejects unknown keys and a null memory.
            nonce,
            salt: credential.salt,
            kdf: credential.kdf,
            iterations: credential.iterations,
            ...(argon ? { memory: credential.memory } : {}),
          };
    const storedKey = fromBase64(credential.storedKey);
    const serverKey = fromBase64(credential.serverKey);
    if (!storedKey || !serverKey)
      throw new AuthConfigError('scram: credential keys are not Base64');

    const pending = oneShot(opts, authmethod, async (signature, authExtra) => {
      if (dialect === 'wamp-scram' || authExtra.nonce !== undefined) {
        if (authExtra.nonce !== nonce) {
          throw new AuthenticationDeniedError(
            'nonce-mismatch',
            'scram: AUTHENTICATE nonce differs from CHALLENGE',
          );
        }
      }
      if (dialect === 'wamp-scram') {
        if ((authExtra.channel_binding ?? null) !== channelBinding) {
          throw new AuthenticationDeniedError(
            'channel-binding',
            'scram: channel binding type changed',
          );
        }
        const sent = authExtra.cbind_data ?? null;
        if (
          channelBinding === null
            ? sent !== null
            : !(
                typeof sent === 'string' &&
                timingSafeEqual(fromBase64(sent) ?? new Uint8Array(0), cbindData!)
              )
        ) {
          throw new AuthenticationDeniedError(
            'channel-binding',
            'scram: channel binding data does not match',
          );
        }
      }
      const proof = fromBase64(signature);
      if (!proof || proof.length !== 32) {
        throw new AuthenticationDeniedError(
          'malformed',
          'scram: ClientProof is not 32 Base64 bytes',
        );
      }
      const authMessage = buildAuthMessage({
        dialect,
        authid,
        clientNonce,
        nonce,
        salt: credential.salt,
        iterations: credential.iterations,
        channelBinding,
        cbindData,
      });
      // RecoveredStoredKey = SHA256(HMAC(StoredKey, AuthMessage) XOR ClientProof) (WAMP AP "ClientProof").
      const clientSignature = await hmacSha256(storedKey, authMessage);
      const recovered = await sha256(xorBytes(clientSignature, proof));
      if (!timingSafeEqual(recovered, storedKey) || !principal) {
        throw new AuthenticationDeniedError(
          principal ? 'bad-credentials' : 'unknown-principal',
          `${authmethod}: invalid credentials`,
        );
      }
      const serverSignature = toBase64(await hmacSha256(serverKey, authMessage));
      return {
        authid: principal.authid ?? authid,
        authrole: principal.role,
        authmethod,
        authprovider: principal.authprovider ?? opts.authprovider ?? 'static',
        authextra: {
          ...principal.authextra,
          ...(dialect === 'wamp-scram'
            ? { verifier: serverSignature }
            : { scram_server_signature: serverSignature }),
        },
      };
    });
    return { kind: 'challenge', authmethod, extra, pending };
  }

  /** A stable fake credential for an unknown authid (salt = HMAC(per-process key, authid)). */
  async #mockCredential(authid: string): Promise<ScramCredential> {
    const params = this.#options.mockParams ?? { kdf: 'pbkdf2' as const, iterations: 4096 };
    const salt = (await hmacSha256(this.#mockKey, utf8(`salt:${authid}`))).subarray(0, 16);
    return {
      kdf: params.kdf,
      salt: toBase64(salt),
      iterations: params.iterations,
      ...(isArgon2(params.kdf) ? { memory: params.memory ?? 65536 } : {}),
      storedKey: toBase64(randomBytes(32)),
      serverKey: toBase64(randomBytes(32)),
    };
  }
}
