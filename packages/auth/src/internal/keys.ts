/**
 * Ed25519 key formats Autobahn|Python reads (autobahn/wamp/cryptosign.py, autobahn/util.py):
 * a raw 32-byte seed or its hex, the `private-key-ed25519:` / `public-key-ed25519:` key file,
 * an unencrypted OpenSSH private key (`openssh-key-v1`), an OpenSSH public key line, and an
 * OpenBSD signify public key.
 */
import { KeyFormatError } from '../errors.js';
import { fromBase64, fromHex, fromUtf8, timingSafeEqual } from './bytes.js';

const HEX64 = /^[0-9a-fA-F]{64}$/;
const SSH_BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const SSH_END = '-----END OPENSSH PRIVATE KEY-----';
const OPENSSH_MAGIC = 'openssh-key-v1\0';

/** Reads SSH wire-format fields (RFC 4251 section 5: uint32, string). */
class SshReader {
  #offset = 0;
  constructor(private readonly data: Uint8Array) {}

  get remaining(): Uint8Array {
    return this.data.subarray(this.#offset);
  }

  bytes(length: number): Uint8Array {
    if (length < 0 || this.#offset + length > this.data.length) {
      throw new KeyFormatError('truncated OpenSSH key');
    }
    const out = this.data.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  uint32(): number {
    const b = this.bytes(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  string(): Uint8Array {
    return this.bytes(this.uint32());
  }

  text(): string {
    return fromUtf8(this.string());
  }
}

function base64Body(text: string): Uint8Array {
  const bytes = fromBase64(text.replace(/\s+/g, ''));
  if (!bytes) throw new KeyFormatError('key body is not Base64');
  return bytes;
}

/** The seed and public key of an unencrypted OpenSSH Ed25519 private key (PROTOCOL.key). */
export function parseOpenSshPrivateKey(text: string): {
  seed: Uint8Array;
  publicKey: Uint8Array;
  comment: string;
} {
  const trimmed = text.trim();
  if (!trimmed.startsWith(SSH_BEGIN) || !trimmed.endsWith(SSH_END)) {
    throw new KeyFormatError('not an OpenSSH private key');
  }
  const blob = base64Body(trimmed.slice(SSH_BEGIN.length, trimmed.length - SSH_END.length));
  const magic = fromUtf8(blob.subarray(0, OPENSSH_MAGIC.length));
  if (magic !== OPENSSH_MAGIC) throw new KeyFormatError('not an openssh-key-v1 key');
  const outer = new SshReader(blob.subarray(OPENSSH_MAGIC.length));
  const cipher = outer.text();
  const kdf = outer.text();
  outer.string(); // kdf options
  const count = outer.uint32();
  if (cipher !== 'none' || kdf !== 'none') {
    throw new KeyFormatError('passphrase-protected OpenSSH keys are not supported');
  }
  if (count !== 1) throw new KeyFormatError('an OpenSSH key file with more than one key');
  outer.string(); // public key blob
  const inner = new SshReader(outer.string());
  if (outer.remaining.length !== 0)
    throw new KeyFormatError('trailing data after OpenSSH private key');
  const check1 = inner.uint32();
  const check2 = inner.uint32();
  if (check1 !== check2) throw new KeyFormatError('OpenSSH check integers differ');
  if (inner.text() !== 'ssh-ed25519') throw new KeyFormatError('not an Ed25519 OpenSSH key');
  const publicKey = inner.string();
  const secret = inner.string();
  if (publicKey.length !== 32 || secret.length !== 64)
    throw new KeyFormatError('bad Ed25519 key lengths');
  // The 64-byte secret is seed || public key.
  if (!timingSafeEqual(secret.subarray(32), publicKey))
    throw new KeyFormatError('inconsistent OpenSSH key');
  const comment = inner.text();
  const pad = inner.remaining;
  if (pad.length >= 8 || pad.some((byte, i) => byte !== i + 1))
    throw new KeyFormatError('bad OpenSSH padding');
  return { seed: secret.slice(0, 32), publicKey: publicKey.slice(), comment };
}

/** `ssh-ed25519 AAAA... [comment]` to the 32-byte public key. */
export function parseOpenSshPublicKey(line: string): Uint8Array {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2 || parts[0] !== 'ssh-ed25519')
    throw new KeyFormatError('not an ssh-ed25519 public key');
  const reader = new SshReader(base64Body(parts[1]!));
  if (reader.text() !== 'ssh-ed25519') throw new KeyFormatError('not an ssh-ed25519 public key');
  const key = reader.string();
  if (key.length !== 32 || reader.remaining.length !== 0)
    throw new KeyFormatError('bad ssh-ed25519 public key');
  return key.slice();
}

/**
 * Signify public key: `untrusted comment: ...` then Base64 of "Ed" || 8-byte key number ||
 * 32-byte key.
 */
export function parseSignifyPublicKey(text: string): Uint8Array {
  const lines = text.trim().split(/\r?\n/);
  if (lines.length !== 2 || !lines[0]!.startsWith('untrusted comment:')) {
    throw new KeyFormatError('not a signify public key');
  }
  const blob = base64Body(lines[1]!);
  if (blob.length !== 42 || blob[0] !== 0x45 || blob[1] !== 0x64)
    throw new KeyFormatError('not a signify Ed25519 key');
  return blob.slice(10);
}

/** Autobahn|Python's key file: comment lines, a blank line, then `tag: value` lines. */
export function parseKeyfile(text: string): Map<string, string> {
  const tags = new Map<string, string>();
  let body = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      body = true;
      continue;
    }
    if (!body) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new KeyFormatError('key file line without a tag');
    const tag = line.slice(0, colon).trim().toLowerCase();
    if (tags.has(tag)) throw new KeyFormatError(`duplicate tag "${tag}" in key file`);
    tags.set(tag, line.slice(colon + 1).trim());
  }
  return tags;
}

export function hexKey(text: string, what: string): Uint8Array {
  if (!HEX64.test(text)) throw new KeyFormatError(`${what} is not 64 hex characters`);
  return fromHex(text)!;
}

export type PrivateKeySource =
  | { format: 'seed'; seed: Uint8Array; publicKey?: undefined }
  | { format: 'openssh' | 'keyfile'; seed: Uint8Array; publicKey?: Uint8Array; comment?: string };

/** Detects the format of private key material and returns its seed. */
export function parsePrivateKey(input: string | Uint8Array): PrivateKeySource {
  if (input instanceof Uint8Array) {
    if (input.length === 32) return { format: 'seed', seed: input.slice() };
    return parsePrivateKey(fromUtf8(input));
  }
  const text = input.trim();
  if (HEX64.test(text)) return { format: 'seed', seed: fromHex(text)! };
  if (text.startsWith(SSH_BEGIN)) return { format: 'openssh', ...parseOpenSshPrivateKey(text) };
  const tags = parseKeyfile(input);
  const priv = tags.get('private-key-ed25519');
  if (priv !== undefined) {
    const pub = tags.get('public-key-ed25519');
    return {
      format: 'keyfile',
      seed: hexKey(priv, 'private-key-ed25519'),
      ...(pub !== undefined ? { publicKey: hexKey(pub, 'public-key-ed25519') } : {}),
    };
  }
  throw new KeyFormatError('unrecognized private key format');
}

/** Detects the format of public key material and returns the 32-byte key. */
export function parsePublicKey(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length === 32) return input.slice();
    return parsePublicKey(fromUtf8(input));
  }
  const text = input.trim();
  if (HEX64.test(text)) return fromHex(text)!;
  if (text.startsWith('ssh-ed25519')) return parseOpenSshPublicKey(text);
  if (text.startsWith('untrusted comment:')) return parseSignifyPublicKey(text);
  const pub = parseKeyfile(input).get('public-key-ed25519');
  if (pub !== undefined) return hexKey(pub, 'public-key-ed25519');
  throw new KeyFormatError('unrecognized public key format');
}
