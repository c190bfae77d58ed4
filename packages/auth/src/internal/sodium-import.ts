/**
 * How libsodium is fetched when the application supplied none (sodium.ts): a dynamic import,
 * so bundlers make it a chunk of its own. The script-tag build replaces this module with
 * sodium-import-none.ts (rollup.config.mjs).
 */
import type { LibsodiumArgon2id, LibsodiumEd25519 } from './sodium.js';

/** The standard build (Ed25519). */
export async function importLibsodium(): Promise<LibsodiumEd25519> {
  return (await import('libsodium-wrappers')).default;
}

/** The sumo build: the only one with crypto_pwhash (Argon2id). */
export async function importLibsodiumSumo(): Promise<LibsodiumArgon2id> {
  return (await import('libsodium-wrappers-sumo')).default;
}
