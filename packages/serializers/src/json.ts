/**
 * WAMP JSON serializer, subprotocol `wamp.2.json` (spec wamp.md "JSON"), with the binary
 * convention of spec section "Binary support in JSON": a byte array travels as a JSON string
 * of a NUL character followed by its base64 encoding, anywhere in the message.
 */
import { decodeBase64, encodeBase64 } from './base64.js';
import { defineEntry } from './binary/define-entry.js';
import { ProtocolViolationError, SerializationError } from './errors.js';
import type { DecodeLimits } from './limits.js';
import {
  createArraySerializer,
  type Serializer,
  type SerializerOptions,
  type ValueCodec,
} from './serializer.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Checks a value before JSON.stringify, which would otherwise silently turn NaN/Infinity into
 * null and drop undefined. Returns whether the value holds binary (then a replacer is needed).
 * Strings, numbers and booleans inside lists and dicts are checked in the loops themselves: a
 * call per leaf cost ~30 % more on a 1 KiB record (bench/serializers, rpc 1k payload).
 */
function inspect(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      if (value.charCodeAt(0) === 0) throw nulString();
      return false;
    case 'number':
      if (value - value !== 0) throw notFinite(value);
      return false;
    case 'boolean':
      return false;
    case 'object':
      if (value === null) return false;
      return inspectObject(value, depth);
    default:
      throw notRepresentable(value);
  }
}

function inspectObject(value: object, depth: number): boolean {
  if (depth > 512) throw new SerializationError('value nested too deeply');
  let binary = false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') {
        if (v.charCodeAt(0) === 0) throw nulString();
      } else if (typeof v === 'number') {
        if (v - v !== 0) throw notFinite(v);
      } else if (typeof v === 'object') {
        if (v !== null && inspectObject(v, depth + 1)) binary = true;
      } else if (typeof v !== 'boolean') {
        throw notRepresentable(v);
      }
    }
    return binary;
  }
  if (value instanceof Uint8Array) return true;
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    const v = obj[k];
    if (typeof v === 'string') {
      if (v.charCodeAt(0) === 0) throw nulString();
    } else if (typeof v === 'number') {
      if (v - v !== 0) throw notFinite(v);
    } else if (typeof v === 'object') {
      if (v !== null && inspectObject(v, depth + 1)) binary = true;
    } else if (typeof v !== 'boolean' && v !== undefined) {
      // undefined dict values are dropped by JSON.stringify, as an absent key.
      throw notRepresentable(v);
    }
  }
  return binary;
}

function nulString(): SerializationError {
  return new SerializationError('a string starting with "\\0" would be read back as binary');
}

function notFinite(value: number): SerializationError {
  return new SerializationError(`${value} is not representable in JSON`);
}

function notRepresentable(value: unknown): SerializationError {
  return new SerializationError(`a ${typeof value} is not representable in JSON`);
}

function binaryReplacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? `\u0000${encodeBase64(value)}` : value;
}

/**
 * JSON.parse rounds integer literals beyond 2^53 to a nearby double: a silently wrong value.
 * When the text has a run of 16+ digits, find such literals outside strings and reject them.
 */
export function rejectInexactIntegers(text: string): void {
  const limit = 2n ** 53n;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // skip a string literal
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) i++;
        else break;
      }
      const literal = text.slice(start, i);
      if (/^-?\d{16,}$/.test(literal)) {
        const v = BigInt(literal);
        if (v > limit || v < -limit) {
          throw new ProtocolViolationError(
            `integer ${literal} is beyond 2^53 and cannot be represented exactly`,
          );
        }
      }
    } else {
      i++;
    }
  }
}

/** Encodes a WAMP value as JSON text, binary with the spec's convention ("\0" + base64). */
export function encodeJson(value: unknown): string {
  const binary = inspect(value, 0);
  return binary ? JSON.stringify(value, binaryReplacer) : JSON.stringify(value);
}

/**
 * One walk over what JSON.parse returned: enforces the depth limit, turns "\0" + base64
 * strings into Uint8Array (only when the text holds an escaped NUL at all), and notes numbers
 * of magnitude >= 2^53: only those can come from an integer literal beyond 2^53 (rounding to
 * the nearest double never takes such a literal below 2^53, itself a double), so only then is
 * the text checked exactly by rejectInexactIntegers. Random WAMP IDs (publications,
 * subscriptions) are mostly >= 1e15 but below 2^53: they no longer cost that second scan.
 */
/** 2^53: the smallest magnitude an inexact (rounded) integer literal can parse to. */
const TWO_POW_53 = 2 ** 53;
let walkMaxDepth = 0;
let walkBinary = false;
let walkSawLarge = false;

function toBinary(s: string): Uint8Array {
  const bytes = decodeBase64(s, 1);
  if (bytes === undefined) {
    throw new ProtocolViolationError('invalid base64 in a "\\0"-prefixed JSON binary string');
  }
  return bytes;
}

function tooDeep(): ProtocolViolationError {
  return new ProtocolViolationError(`nesting deeper than the limit of ${walkMaxDepth}`);
}

function walkArray(arr: unknown[], depth: number): void {
  if (depth >= walkMaxDepth) throw tooDeep();
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v === 'number') {
      if (v >= TWO_POW_53 || v <= -TWO_POW_53) walkSawLarge = true;
    } else if (typeof v === 'object') {
      if (v !== null) {
        if (Array.isArray(v)) walkArray(v, depth + 1);
        else walkObject(v as Record<string, unknown>, depth + 1);
      }
    } else if (walkBinary && typeof v === 'string' && v.charCodeAt(0) === 0) {
      arr[i] = toBinary(v);
    }
  }
}

function walkObject(obj: Record<string, unknown>, depth: number): void {
  if (depth >= walkMaxDepth) throw tooDeep();
  for (const k in obj) {
    const v = obj[k];
    if (typeof v === 'number') {
      if (v >= TWO_POW_53 || v <= -TWO_POW_53) walkSawLarge = true;
    } else if (typeof v === 'object') {
      if (v !== null) {
        if (Array.isArray(v)) walkArray(v, depth + 1);
        else walkObject(v as Record<string, unknown>, depth + 1);
      }
    } else if (walkBinary && typeof v === 'string' && v.charCodeAt(0) === 0) {
      defineEntry(obj, k, toBinary(v));
    }
  }
}

/** Decodes JSON text within `limits` and turns "\0"-prefixed base64 strings back into binary; throws ProtocolViolationError on malformed input. */
export function decodeJson(data: Uint8Array | string, limits: DecodeLimits): unknown {
  let text: string;
  if (typeof data === 'string') {
    text = data;
  } else {
    try {
      text = utf8.decode(data);
    } catch (e) {
      throw new ProtocolViolationError('JSON message is not valid UTF-8', { cause: e });
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ProtocolViolationError(`invalid JSON: ${(e as Error).message}`, { cause: e });
  }
  walkMaxDepth = limits.maxDepth;
  // A NUL can only appear in JSON text as the escape \u0000 (spec "Binary support in JSON").
  walkBinary = text.includes('\\u0000');
  walkSawLarge = false;
  if (typeof value === 'object' && value !== null) {
    if (Array.isArray(value)) walkArray(value, 0);
    else walkObject(value as Record<string, unknown>, 0);
  } else if (typeof value === 'number') {
    walkSawLarge = value >= TWO_POW_53 || value <= -TWO_POW_53;
  } else if (walkBinary && typeof value === 'string' && value.charCodeAt(0) === 0) {
    value = toBinary(value);
  }
  if (walkSawLarge) rejectInexactIntegers(text);
  return value;
}

/** Array-level JSON codec (text). */
export const jsonCodec: ValueCodec<string> = { encode: encodeJson, decode: decodeJson };

/** A JSON serializer (subprotocol wamp.2.json) with the given limits. */
export function createJsonSerializer(options?: SerializerOptions): Serializer & {
  /** Validates and encodes a message to JSON text; throws SerializationError for an invalid one. */
  serialize(msg: Parameters<Serializer['serialize']>[0]): string;
} {
  return createArraySerializer('json', jsonCodec, options);
}

/** The JSON serializer with default limits. */
export const jsonSerializer = /* @__PURE__ */ createJsonSerializer();
