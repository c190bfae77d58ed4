/**
 * WAMP-SCRAM computations both halves share (WAMP AP "Salted Challenge Response
 * Authentication", RFC 5802 + RFC 7677): SaltedPassword, the keys, the AuthMessage and the
 * ClientProof/ServerSignature.
 */
import { AuthConfigError } from '../errors.js';
import type { ChannelBindingType } from '../types.js';
import { concatBytes, fromBase64, toBase64, utf8, xorBytes } from './bytes.js';
import { saslprep } from './saslprep.js';
import { loadSodiumSumo } from './sodium.js';
import { hmacSha256, pbkdf2Sha256, sha256 } from './webcrypto.js';

/** `argon2id13` (spec), `argon2id-13` (Autobahn|Python/Crossbar encoding), `pbkdf2`. */
export type ScramKdf = 'argon2id13' | 'argon2id-13' | 'pbkdf2';
/** The authmethod string: `wamp-scram` (spec) or `scram` (Autobahn|Python 22.x / Crossbar). */
export type ScramDialect = 'wamp-scram' | 'scram';

/** The kdf values a CHALLENGE or a stored credential may name. */
export const KDFS: readonly ScramKdf[] = ['argon2id13', 'argon2id-13', 'pbkdf2'];
/** Whether `kdf` is an Argon2id variant (needs a memory cost and libsodium). */
export const isArgon2 = (kdf: ScramKdf) => kdf !== 'pbkdf2';

/** The key-derivation parameters of a SCRAM credential (kdf, salt, iterations, memory). */
export interface ScramKdfParams {
  kdf: ScramKdf;
  /** Base64 salt. Argon2id through libsodium needs exactly 16 bytes. */
  salt: string;
  iterations: number;
  /** Argon2id memory cost in KiB. */
  memory?: number | undefined;
}

/** SASLprep (RFC 4013) of an authid or password; AuthConfigError when it is not valid. */
export function normalize(text: string, what: string): string {
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
