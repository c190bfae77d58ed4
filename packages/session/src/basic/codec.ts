/**
 * Serializers of the Basic client. A `BasicCodec` turns a WAMP message array into what one
 * WebSocket message carries and back; the message arrays are checked by ./wire.ts.
 *
 * `json` is built for size, not speed: JSON.stringify/parse with a replacer and a reviver, and
 * base64 through the platform's btoa/atob (spec wamp.md "Binary support in JSON": a byte array
 * travels as a string of NUL + base64). It keeps the rules of @wampkit/serializers' JSON
 * serializer: NaN, Infinity, bigint, functions, symbols, `undefined` inside a list and strings
 * starting with NUL are refused when sending (SerializationError), and an integer literal beyond
 * 2^53 (JSON.parse would round it) is refused when receiving (ProtocolViolationError).
 * `msgpack` and `cbor` (./msgpack.ts, ./cbor.ts, subpaths of their own) reuse the package's
 * own codecs: an application that imports them pays for them, one that does not never loads them.
 */
import { ProtocolViolationError, SerializationError } from '@wampkit/serializers';
import { rejectInexactIntegers } from '@wampkit/serializers/json';

/** A WAMP serializer for the Basic client (spec wamp.md "Serializers"). */
export interface BasicCodec {
  /** WebSocket subprotocol, `wamp.2.<serializer>`. */
  readonly protocol: string;
  /** Encodes a message array; throws SerializationError for a value the format cannot carry. */
  encode(message: unknown[]): string | Uint8Array;
  /** Decodes one WebSocket message; throws ProtocolViolationError for malformed input. */
  decode(data: string | Uint8Array): unknown;
}

const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function refuse(what: string): never {
  throw new SerializationError(`${what} is not representable in WAMP JSON`);
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      // Read back as binary otherwise (spec "Binary support in JSON").
      if (value.charCodeAt(0) === 0) refuse('a string starting with "\\0"');
      return value;
    case 'number':
      if (value - value !== 0) refuse(String(value));
      return value;
    case 'object':
      if (value instanceof Uint8Array) {
        let s = '';
        for (let i = 0; i < value.length; i += 0x8000) {
          s += String.fromCharCode(...value.subarray(i, i + 0x8000));
        }
        return `\0${btoa(s)}`;
      }
      return value;
    case 'boolean':
      return value;
    case 'undefined':
      // JSON.stringify drops undefined dict values (as the other serializers do) but would turn
      // one inside a list into null.
      if (Array.isArray(this)) refuse('undefined inside a list');
      return value;
    default:
      return refuse(`a ${typeof value}`);
  }
}

function fromBase64(value: string): Uint8Array {
  try {
    const s = atob(value.slice(1));
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    return bytes;
  } catch (e) {
    throw new ProtocolViolationError('invalid base64 in a "\\0"-prefixed JSON string', {
      cause: e,
    });
  }
}

/** The JSON serializer, subprotocol `wamp.2.json`. */
export const json: BasicCodec = {
  protocol: 'wamp.2.json',
  encode(message) {
    try {
      return JSON.stringify(message, replacer);
    } catch (e) {
      // A cycle or nesting deeper than the stack: the engine's TypeError/RangeError.
      if (e instanceof SerializationError) throw e;
      throw new SerializationError(`cannot encode as JSON: ${(e as Error).message}`, { cause: e });
    }
  },
  decode(data) {
    let large = false;
    let value: unknown;
    let text: string;
    try {
      text = typeof data === 'string' ? data : utf8.decode(data);
      value = JSON.parse(text, (_key, v: unknown) => {
        if (typeof v === 'string') return v.charCodeAt(0) === 0 ? fromBase64(v) : v;
        // Only a number this large can come from a 16+ digit literal that was rounded.
        if (typeof v === 'number' && (v >= 1e15 || v <= -1e15)) large = true;
        return v;
      });
    } catch (e) {
      if (e instanceof ProtocolViolationError) throw e;
      throw new ProtocolViolationError(`invalid JSON: ${(e as Error).message}`, { cause: e });
    }
    if (large) rejectInexactIntegers(text);
    return value;
  },
};
