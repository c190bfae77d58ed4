/**
 * sodium-import.ts for the script-tag build `wampkit.min.js` (rollup.config.mjs): a classic
 * script cannot load libsodium (0.5 MB) as a chunk on demand, and inlining it would multiply the
 * file's size, so libsodium is there only if the page supplies it (`wampkit.auth.useLibsodium`).
 * Without it these reject with an error that says so.
 */
import { CryptoUnavailableError } from '../errors.js';
import type { LibsodiumArgon2id, LibsodiumEd25519 } from './sodium.js';

const HOW =
  'wampkit.min.js does not bundle libsodium: pass the module to wampkit.auth.useLibsodium() ' +
  'first (e.g. `wampkit.auth.useLibsodium(await import(urlOfLibsodiumWrappersSumoEsm))`), or ' +
  'use the ESM build (wampkit/browser), which loads it on demand';

/** Ed25519 fallback: only needed where WebCrypto lacks Ed25519 (or backend 'sodium' was asked for). */
export async function importLibsodium(): Promise<LibsodiumEd25519> {
  throw new CryptoUnavailableError(
    `cryptosign: this runtime's WebCrypto has no Ed25519 and no libsodium was supplied. ${HOW}`,
  );
}

/** Argon2id for WAMP-SCRAM: needs libsodium-wrappers-sumo. */
export async function importLibsodiumSumo(): Promise<LibsodiumArgon2id> {
  throw new CryptoUnavailableError(
    `scram: Argon2id needs libsodium-wrappers-sumo and none was supplied. ${HOW}`,
  );
}
