/** Loads the WAMP test vectors (shared/wamp-spec/testsuite) and maps them to our message model. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { type Dict, messageTypeName, type WampMessage } from '../src/index.js';

export const testsuiteDir = resolve(import.meta.dirname, '../../../../shared/wamp-spec/testsuite');

export interface Variant {
  bytes: Uint8Array;
  note?: string;
}
export interface SerializationSample {
  file: string;
  index: number;
  description: string;
  serializers: Record<string, Variant[]>;
  expected: WampMessage;
}
export interface ValidationSample {
  file: string;
  description: string;
  wmsg: unknown[];
  error?: { type: string; contains: string };
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.json') ? [p] : [];
    })
    .sort();
}

export const hexBytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

const RENAME: Record<string, string> = {
  request_id: 'request',
  subscription_id: 'subscription',
  publication_id: 'publication',
  registration_id: 'registration',
  session_id: 'session',
  request_type: 'requestType',
  method: 'authMethod',
};

/** expected_attributes -> model object. null args/kwargs/payload mean absent; payload is hex. */
export function expectedMessage(attrs: Dict): WampMessage {
  const type = messageTypeName(attrs.message_type as number);
  if (type === undefined) throw new Error(`unknown message_type ${attrs.message_type}`);
  const out: Dict = { type };
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'message_type' || v === null) continue;
    if (k === 'roles') out.details = { ...((out.details as Dict) ?? {}), roles: v };
    else if (k === 'payload') out.payload = hexBytes(v as string);
    else out[RENAME[k] ?? k] = v;
  }
  return out as unknown as WampMessage;
}

export function loadSingleMessageVectors(): {
  samples: SerializationSample[];
  validations: ValidationSample[];
} {
  const samples: SerializationSample[] = [];
  const validations: ValidationSample[] = [];
  for (const path of walk(join(testsuiteDir, 'singlemessage'))) {
    const file = relative(testsuiteDir, path);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { samples: Dict[] };
    doc.samples.forEach((s, index) => {
      if ('wmsg' in s) {
        validations.push({
          file,
          description: s.description as string,
          wmsg: s.wmsg as unknown[],
          error: s.expected_error as ValidationSample['error'],
        });
        return;
      }
      const serializers: Record<string, Variant[]> = {};
      for (const [id, variants] of Object.entries(s.serializers as Record<string, Dict[]>)) {
        serializers[id] = variants.map((v) => ({
          bytes:
            typeof v.bytes_hex === 'string'
              ? hexBytes(v.bytes_hex)
              : typeof v.bytes_base64 === 'string'
                ? new Uint8Array(Buffer.from(v.bytes_base64, 'base64'))
                : new TextEncoder().encode(v.bytes as string),
          note: v.note as string | undefined,
        }));
      }
      samples.push({
        file,
        index,
        description: s.description as string,
        serializers,
        expected: expectedMessage(s.expected_attributes as Dict),
      });
    });
  }
  return { samples, validations };
}
