/**
 * The Basic client's view of the wire: message type codes (spec wamp.md "Message Codes and
 * Direction") and one table-driven check of every message a client can receive (spec wamp.md
 * "Message Definitions"): its length and the type of each element. Anything else a router
 * sends (a message for another role, a wrong arity, an ID outside [0, 2^53], a bad URI) is a
 * ProtocolViolationError, which the session answers with ABORT `wamp.error.protocol_violation`.
 */
import { isDict, isId, isValidUri, ProtocolViolationError } from '@wampkit/serializers';

export const HELLO = 1;
export const WELCOME = 2;
export const ABORT = 3;
export const CHALLENGE = 4;
export const AUTHENTICATE = 5;
export const GOODBYE = 6;
export const ERROR = 8;
export const PUBLISH = 16;
export const PUBLISHED = 17;
export const SUBSCRIBE = 32;
export const SUBSCRIBED = 33;
export const UNSUBSCRIBE = 34;
export const UNSUBSCRIBED = 35;
export const EVENT = 36;
export const CALL = 48;
export const CANCEL = 49;
export const RESULT = 50;
export const REGISTER = 64;
export const REGISTERED = 65;
export const UNREGISTER = 66;
export const UNREGISTERED = 67;
export const INVOCATION = 68;
export const YIELD = 70;

/**
 * Element kinds after the type code, per message a client receives: `i` ID, `d` dict, `u` URI,
 * `s` string, `l` list; those after `?` may be left out (trailing Arguments|list,
 * ArgumentsKw|dict, or UNSUBSCRIBED/UNREGISTERED's Details of revocation).
 */
const SHAPES: Readonly<Record<number, string>> = {
  [WELCOME]: 'id',
  [ABORT]: 'du',
  [CHALLENGE]: 'sd',
  [GOODBYE]: 'du',
  [ERROR]: 'iidu?ld',
  [PUBLISHED]: 'ii',
  [SUBSCRIBED]: 'ii',
  [UNSUBSCRIBED]: 'i?d',
  [EVENT]: 'iid?ld',
  [RESULT]: 'id?ld',
  [REGISTERED]: 'ii',
  [UNREGISTERED]: 'i?d',
  [INVOCATION]: 'iid?ld',
};

const KIND_NAMES: Readonly<Record<string, string>> = {
  i: 'an ID in [0, 2^53]',
  d: 'a dict',
  u: 'a URI',
  s: 'a string',
  l: 'a list',
};

function fits(kind: string, v: unknown): boolean {
  switch (kind) {
    case 'i':
      return isId(v);
    case 'd':
      return isDict(v);
    case 'l':
      return Array.isArray(v);
    case 's':
      return typeof v === 'string';
    default:
      return typeof v === 'string' && isValidUri(v);
  }
}

/** Checks a decoded message a router sent to a client; returns it as a list. */
export function checkIncoming(value: unknown): unknown[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ProtocolViolationError('a WAMP message must be a non-empty list');
  }
  const shape = SHAPES[value[0] as number];
  if (typeof value[0] !== 'number' || shape === undefined) {
    throw new ProtocolViolationError(`unexpected message type ${JSON.stringify(value[0])}`);
  }
  const kinds = shape.replace('?', '');
  const optionalFrom = shape.indexOf('?');
  const n = value.length - 1;
  if (n > kinds.length || n < (optionalFrom < 0 ? kinds.length : optionalFrom)) {
    throw new ProtocolViolationError(`message type ${value[0]} with ${n} elements after the code`);
  }
  for (let i = 0; i < n; i++) {
    if (!fits(kinds.charAt(i), value[i + 1])) {
      throw new ProtocolViolationError(
        `message type ${value[0]}: element ${i + 1} must be ${KIND_NAMES[kinds.charAt(i)]}`,
      );
    }
  }
  return value;
}
