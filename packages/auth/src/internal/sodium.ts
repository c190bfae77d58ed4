/**
 * libsodium loaders. By default each is a dynamic import (sodium-import.ts), so a bundle that
 * never authenticates with WAMP-SCRAM/argon2id (or never needs the Ed25519 fallback) carries no
 * libsodium at all. An application may supply the library itself (useLibsodium): the script-tag
 * build wampkit.min.js bundles none and swaps sodium-import.ts for sodium-import-none.ts.
 */
import { AuthConfigError, CryptoUnavailableError } from '../errors.js';
import { importLibsodium, importLibsodiumSumo } from './sodium-import.js';

/** What cryptosign's Ed25519 fallback uses of libsodium-wrappers (either build). */
export interface LibsodiumEd25519 {
  readonly ready: Promise<unknown>;
  /** Ed25519 key pair from a 32-byte seed. */
  crypto_sign_seed_keypair(seed: Uint8Array): { publicKey: Uint8Array; privateKey: Uint8Array };
  /** Ed25519 signature of `message`. */
  crypto_sign_detached(message: Uint8Array, privateKey: Uint8Array): Uint8Array;
  /** Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`. */
  crypto_sign_verify_detached(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): boolean;
}

/** What WAMP-SCRAM's Argon2id uses: crypto_pwhash, which only libsodium-wrappers-sumo has. */
export interface LibsodiumArgon2id {
  readonly ready: Promise<unknown>;
  readonly crypto_pwhash_ALG_ARGON2ID13: number;
  /** Argon2id key derivation (libsodium's crypto_pwhash). */
  crypto_pwhash(
    keyLength: number,
    password: Uint8Array,
    salt: Uint8Array,
    opsLimit: number,
    memLimit: number,
    algorithm: number,
  ): Uint8Array;
}

/** A libsodium-wrappers module: its functions appear once `ready` resolves. */
export interface LibsodiumModule {
  readonly ready: Promise<unknown>;
}

let supplied: LibsodiumModule | undefined;
let sodium: Promise<LibsodiumEd25519> | undefined;
let sodiumSumo: Promise<LibsodiumArgon2id> | undefined;

const isModule = (lib: unknown): lib is LibsodiumModule =>
  typeof lib === 'object' &&
  lib !== null &&
  typeof (lib as { ready?: { then?: unknown } }).ready?.then === 'function';

const hasEd25519 = (lib: object): lib is LibsodiumEd25519 =>
  typeof (lib as LibsodiumEd25519).crypto_sign_detached === 'function' &&
  typeof (lib as LibsodiumEd25519).crypto_sign_seed_keypair === 'function' &&
  typeof (lib as LibsodiumEd25519).crypto_sign_verify_detached === 'function';

const hasArgon2id = (lib: object): lib is LibsodiumArgon2id =>
  typeof (lib as LibsodiumArgon2id).crypto_pwhash === 'function';

/**
 * Supplies libsodium-wrappers (or libsodium-wrappers-sumo, which WAMP-SCRAM's Argon2id needs)
 * instead of loading it by dynamic import(): the script-tag build `wampkit.min.js` bundles none
 * (0.5 MB), and an application may already have it. Takes the module's default export or its
 * namespace (`await import(url)`).
 */
export function useLibsodium(lib: LibsodiumModule | { default: LibsodiumModule }): void {
  const candidate = isModule(lib) ? lib : (lib as { default?: unknown } | null)?.default;
  if (!isModule(candidate)) {
    throw new AuthConfigError('useLibsodium: not a libsodium-wrappers module (no `ready`)');
  }
  supplied = candidate;
  sodium = undefined;
  sodiumSumo = undefined;
}

/** The supplied library once ready, if it has what `has` asks for. */
async function suppliedWith<T>(has: (lib: object) => lib is T & object): Promise<T | undefined> {
  if (!supplied) return undefined;
  await supplied.ready;
  return has(supplied) ? supplied : undefined;
}

async function ready<T extends { ready: Promise<unknown> }>(lib: T): Promise<T> {
  await lib.ready;
  return lib;
}

function guarded<T>(load: () => Promise<T>, what: string, reset: () => void): Promise<T> {
  return load().catch((cause: unknown) => {
    reset();
    // Already explains itself (the script-tag build's "supply libsodium" error).
    if (cause instanceof CryptoUnavailableError) throw cause;
    throw new CryptoUnavailableError(`${what} could not be loaded`, { cause });
  });
}

/** Ed25519 for runtimes whose WebCrypto lacks it: the supplied library, else the standard build. */
export function loadSodium(): Promise<LibsodiumEd25519> {
  sodium ??= guarded(
    async () => (await suppliedWith(hasEd25519)) ?? ready(await importLibsodium()),
    'libsodium-wrappers',
    () => {
      sodium = undefined;
    },
  );
  return sodium;
}

/** crypto_pwhash (Argon2id) for WAMP-SCRAM: the supplied library if it is sumo, else the sumo build. */
export function loadSodiumSumo(): Promise<LibsodiumArgon2id> {
  sodiumSumo ??= guarded(
    async () => (await suppliedWith(hasArgon2id)) ?? ready(await importLibsodiumSumo()),
    'libsodium-wrappers-sumo',
    () => {
      sodiumSumo = undefined;
    },
  );
  return sodiumSumo;
}
