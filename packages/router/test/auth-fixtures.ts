/**
 * Shared fixtures of the router authentication tests: one realm configuration with a principal
 * per method (and the secrets the clients use), test certificates, and the Autobahn|Python
 * launcher (autobahn_auth_join.py).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CryptosignKey } from '@wampkit/auth/cryptosign';
import { deriveScramCredential } from '@wampkit/auth/scram';
import { deriveKey } from '@wampkit/auth/wampcra';
import { makeTestCerts, type TestCerts } from '../../transport-rawsocket/test/certs.js';
import type { RealmAuthConfig } from '../src/index.js';

const run = promisify(execFile);

function randomHex(bytes: number): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}

/** Secrets are random per run, so a leak check cannot pass by accident. */
export const SECRETS = {
  ticket: `ticket-${randomHex(8)}`,
  cra: `cra-${randomHex(8)}`,
  craSalted: `cra-salted-${randomHex(8)}`,
  scramPbkdf2: `scram-pbkdf2-${randomHex(8)}`,
  scramArgon: `scram-argon-${randomHex(8)}`,
  scramAutobahn: `scram-ab-${randomHex(8)}`,
  seed: randomHex(32),
  wrong: `wrong-${randomHex(8)}`,
  wrongSeed: randomHex(32),
};

/**
 * Autobahn|Python's key file (`CryptosignKey.from_keyfile`): comment lines up to the first empty
 * line, then `tag: value` lines with `public-key-ed25519` and `private-key-ed25519` (hex seed).
 */
export function autobahnKeyFile(key: CryptosignKey, seedHex: string): string {
  return [
    'wampkit test key (all lines until the first empty line are comments)',
    '',
    'creator: wampkit-tests',
    `public-key-ed25519: ${key.publicKeyHex}`,
    `private-key-ed25519: ${seedHex}`,
    '',
  ].join('\n');
}

export interface AuthFixture {
  key: CryptosignKey;
  certs: TestCerts;
  /** SHA-256 fingerprint of the client certificate (hex). */
  clientFingerprint: string;
  /** realm `secure`: every method; realm `open`: anonymous only. */
  config: Record<string, RealmAuthConfig>;
}

export async function makeAuthFixture(roles?: RealmAuthConfig['roles']): Promise<AuthFixture> {
  const key = await CryptosignKey.load(SECRETS.seed);
  const certs = makeTestCerts();
  const { X509Certificate } = await import('node:crypto');
  const clientFingerprint = new X509Certificate(certs.clientCert).fingerprint256
    .replace(/:/g, '')
    .toLowerCase();
  const [pbkdf2, argon, autobahnArgon] = await Promise.all([
    deriveScramCredential({ password: SECRETS.scramPbkdf2, kdf: 'pbkdf2', iterations: 4096 }),
    deriveScramCredential({
      password: SECRETS.scramArgon,
      kdf: 'argon2id13',
      iterations: 2,
      memory: 1024,
    }),
    deriveScramCredential({
      password: SECRETS.scramAutobahn,
      kdf: 'argon2id-13',
      iterations: 2,
      memory: 1024,
    }),
  ]);
  const secure: RealmAuthConfig = {
    ticket: { principals: { joe: { ticket: SECRETS.ticket, role: 'user' } } },
    wampcra: {
      principals: {
        peter: { secret: SECRETS.cra, role: 'user' },
        salty: {
          secret: await deriveKey(SECRETS.craSalted, 'salt123', 1000, 32),
          salt: 'salt123',
          iterations: 1000,
          keylen: 32,
          role: 'user',
        },
      },
    },
    scram: {
      principals: {
        alice: { credential: pbkdf2, role: 'frontend' },
        argon: { credential: argon, role: 'frontend' },
        ab: { credential: autobahnArgon, role: 'frontend' },
      },
    },
    cryptosign: { principals: { device: { authorizedKeys: [key.publicKeyHex], role: 'device' } } },
    tls: { principals: { [clientFingerprint]: { role: 'machine' } } },
    ...(roles ? { roles } : {}),
  };
  return {
    key,
    certs,
    clientFingerprint,
    config: {
      secure,
      open: { anonymous: { role: 'guest' }, ...(roles ? { roles } : {}) },
    },
  };
}

/** Writes the test certificates to files Python can read. */
export function certFiles(certs: TestCerts): { ca: string; cert: string; key: string } {
  const ca = join(certs.dir, 'ca-file.pem');
  const cert = join(certs.dir, 'client-file.pem');
  const key = join(certs.dir, 'client-key-file.pem');
  writeFileSync(ca, certs.ca);
  writeFileSync(cert, certs.clientCert);
  writeFileSync(key, certs.clientKey);
  return { ca, cert, key };
}

export interface PythonOutcome {
  joined?: Record<string, string>;
  actions?: string[];
  left?: string;
  message?: string;
}

/** Runs one Autobahn|Python client (autobahn_auth_join.py) and returns its outcome. */
export async function pythonJoin(spec: Record<string, unknown>): Promise<PythonOutcome> {
  const script = resolve(import.meta.dirname, 'autobahn_auth_join.py');
  const { stdout } = await run('/usr/bin/python3', [script, JSON.stringify(spec)], {
    timeout: 40_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as PythonOutcome;
}

/**
 * A raw WAMP peer (helpers.ts RawPeer, JSON) that joins with ticket authentication, for tests
 * that need exact control over (or observation of) the messages.
 */
export async function rawTicketJoin(url: string, realm: string, authid: string, secret: string) {
  const { RawPeer, ALL_ROLES } = await import('./helpers.js');
  const p = await RawPeer.open(url, 'json');
  p.send({ type: 'HELLO', realm, details: { roles: ALL_ROLES, authmethods: ['ticket'], authid } });
  await p.expect('CHALLENGE');
  p.send({ type: 'AUTHENTICATE', signature: secret, extra: {} });
  p.session = (await p.expect('WELCOME')).session;
  return p;
}
