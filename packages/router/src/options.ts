/** Reading Options/Details dictionaries (already type-checked by the serializers' validation). */
import type { Dict } from '@wampkit/serializers';
import type { MatchPolicy } from './uri-match.js';

export function matchOf(options: Dict): MatchPolicy {
  const m = options.match;
  return m === 'prefix' || m === 'wildcard' ? m : 'exact';
}

/** Payload PassThru attributes (spec advanced "Payload Passthru Mode", and the legacy enc_*). */
const PASSTHRU_KEYS = [
  'ppt_scheme',
  'ppt_serializer',
  'ppt_cipher',
  'ppt_keyid',
  'enc_algo',
  'enc_serializer',
  'enc_key',
] as const;

/** Whether a CALL/PUBLISH/YIELD uses Payload PassThru Mode (a non-empty ppt_scheme). */
export function usesPassthru(options: Dict): boolean {
  return typeof options.ppt_scheme === 'string' && options.ppt_scheme !== '';
}

/** Copies the PassThru attributes of `from` into `to`, untouched. */
export function copyPassthru(from: Dict, to: Dict): Dict {
  for (const k of PASSTHRU_KEYS) {
    const v = from[k];
    if (v !== undefined) to[k] = v;
  }
  return to;
}

/** URIs under `wamp.` are reserved for the router (spec basic "Reserved URIs"). */
export function isReservedUri(uri: string): boolean {
  return uri.startsWith('wamp.');
}

export function isoNow(): string {
  return new Date().toISOString();
}
