/**
 * WAMP-SCRAM, router side (WAMP AP "Salted Challenge Response Authentication"): the stored
 * credential (registration helpers), the CHALLENGE (a mock one for unknown authids) and the
 * ClientProof check that yields the ServerSignature for WELCOME.
 */
import { AuthConfigError, AuthenticationDeniedError } from '../errors.js';
import {
  fromBase64,
  fromHex,
  randomBytes,
  timingSafeEqual,
  toBase64,
  utf8,
  xorBytes,
} from '../internal/bytes.js';
import { saslprep } from '../internal/saslprep.js';
import {
  buildAuthMessage,
  computeSaltedPassword,
  isArgon2,
  KDFS,
  type ScramDialect,
  type ScramKdf,
  type ScramKdfParams,
  scramKeys,
} from '../internal/scram.js';
import { lookupPrincipal, oneShot, requireAuthid } from '../internal/server.js';
import { hmacSha256, sha256 } from '../internal/webcrypto.js';
import {
  type ChannelBindingType,
  type HelloInfo,
  type HelloOutcome,
  isChannelBindingType,
  type PrincipalIdentity,
  type PrincipalSource,
  type ServerAuthenticator,
  type VerifierOptions,
} from '../types.js';

/** What a router stores per user (WAMP AP "Data Stored on the Server"); keys Base64. */
export interface ScramCredential extends ScramKdfParams {
  storedKey: string;
  serverKey: string;
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
