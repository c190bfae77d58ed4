/**
 * libsodium loaders. Each is a dynamic import, so a bundle that never authenticates with
 * WAMP-SCRAM/argon2id (or never needs the Ed25519 fallback) carries no libsodium at all.
 */
import { CryptoUnavailableError } from '../errors.js';

async function importSodium() {
  const lib = (await import('libsodium-wrappers')).default;
  await lib.ready;
  return lib;
}

async function importSodiumSumo() {
  const lib = (await import('libsodium-wrappers-sumo')).default;
  await lib.ready;
  return lib;
}

type Sodium = Awaited<ReturnType<typeof importSodium>>;
type SodiumSumo = Awaited<ReturnType<typeof importSodiumSumo>>;

let sodium: Promise<Sodium> | undefined;
let sodiumSumo: Promise<SodiumSumo> | undefined;

function guarded<T>(load: () => Promise<T>, what: string, reset: () => void): Promise<T> {
  return load().catch((cause: unknown) => {
    reset();
    throw new CryptoUnavailableError(`${what} could not be loaded`, { cause });
  });
}

/** The standard libsodium build: Ed25519 for runtimes whose WebCrypto lacks it. */
export function loadSodium(): Promise<Sodium> {
  sodium ??= guarded(importSodium, 'libsodium-wrappers', () => {
    sodium = undefined;
  });
  return sodium;
}

/** The sumo build: the only one with crypto_pwhash (Argon2id) for WAMP-SCRAM. */
export function loadSodiumSumo(): Promise<SodiumSumo> {
  sodiumSumo ??= guarded(importSodiumSumo, 'libsodium-wrappers-sumo', () => {
    sodiumSumo = undefined;
  });
  return sodiumSumo;
}
