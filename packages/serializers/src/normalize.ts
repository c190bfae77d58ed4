/**
 * One walk over a decoded value tree: enforces the depth limit and turns the codec libraries'
 * outputs into the model's value types: Uint8Array (not Buffer) for binary, number for
 * integers within 2^53 (bigint only beyond it), plain objects for maps. Anything else a
 * library could hand back (Date, Set, other typed arrays, undefined) is a protocol violation.
 */
import { decodeBase64 } from './base64.js';
import { ProtocolViolationError } from './errors.js';

export interface NormalizeOptions {
  readonly maxDepth: number;
  /** JSON binary convention (spec wamp.md "Binary support in JSON"): "\0" + base64 is binary. */
  readonly jsonBinary: boolean;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_ID = 2n ** 53n;

function tooDeep(max: number): ProtocolViolationError {
  return new ProtocolViolationError(`nesting deeper than the limit of ${max}`);
}

export function normalizeValue(value: unknown, options: NormalizeOptions, depth = 0): unknown {
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return value;
    case 'string':
      if (options.jsonBinary && value.charCodeAt(0) === 0) {
        const bytes = decodeBase64(value, 1);
        if (bytes === undefined) {
          throw new ProtocolViolationError('invalid base64 in a "\\0"-prefixed JSON binary string');
        }
        return bytes;
      }
      return value;
    case 'bigint':
      // 2^53 itself is exact as a number and is the largest WAMP ID.
      return value >= -SAFE && value <= MAX_ID ? Number(value) : value;
    case 'object': {
      if (value === null) return null;
      if (value instanceof Uint8Array) {
        return value.constructor === Uint8Array
          ? value
          : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      }
      if (depth >= options.maxDepth) throw tooDeep(options.maxDepth);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const v = value[i];
          if (
            typeof v === 'object' ||
            typeof v === 'bigint' ||
            (options.jsonBinary && typeof v === 'string')
          ) {
            value[i] = normalizeValue(v, options, depth + 1);
          }
        }
        return value;
      }
      if (value instanceof Map) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of value) {
          if (typeof k !== 'string')
            throw new ProtocolViolationError('dictionary keys must be strings');
          defineEntry(out, k, normalizeValue(v, options, depth + 1));
        }
        return out;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new ProtocolViolationError(
          `unsupported decoded value type ${(value as object).constructor?.name ?? 'object'}`,
        );
      }
      const obj = value as Record<string, unknown>;
      for (const k in obj) {
        const v = obj[k];
        if (
          typeof v === 'object' ||
          typeof v === 'bigint' ||
          (options.jsonBinary && typeof v === 'string')
        ) {
          obj[k] = normalizeValue(v, options, depth + 1);
        }
      }
      return obj;
    }
    default:
      throw new ProtocolViolationError(`unsupported decoded value type ${typeof value}`);
  }
}

/** Sets a property, including a literal "__proto__" key, without touching the prototype. */
export function defineEntry(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}
