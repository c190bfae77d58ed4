/**
 * Field checks shared by every serializer (spec wamp.md "Identifiers": IDs, URIs; "Messages":
 * element types). Allocation-free on success: the message type and field name travel as two
 * strings and an error (ProtocolViolationError naming both) is built only on failure.
 */
import { ProtocolViolationError } from './errors.js';
import type { Dict } from './messages.js';

/** Largest WAMP ID (spec wamp.md "IDs": drawn from [1, 2^53]; 0 is used by some replies). */
export const MAX_ID = 2 ** 53;

export function violation(type: string, field: string, message: string): ProtocolViolationError {
  return new ProtocolViolationError(message, { messageType: type, field });
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Uint8Array) return 'binary';
  return typeof value;
}

/** Whether `value` is a WAMP dict: an object that is not null, a list or binary. */
export function isDict(value: unknown): value is Dict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

/** Whether `value` is a WAMP ID: an integer in [0, 2^53] (spec wamp.md "IDs"). */
export function isId(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_ID && Number.isInteger(value);
}

export function checkId(value: unknown, type: string, field: string): number {
  if (isId(value)) return value;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw violation(type, field, `ID must be an integer, got ${describe(value)}`);
  }
  throw violation(type, field, `ID ${value} outside [0, 2^53]`);
}

export function checkString(value: unknown, type: string, field: string): string {
  if (typeof value === 'string') return value;
  throw violation(type, field, `must be a string, got ${describe(value)}`);
}

export function checkDict(value: unknown, type: string, field: string): Dict {
  if (isDict(value)) return value;
  throw violation(type, field, `must be a dict, got ${describe(value)}`);
}

export function checkList(value: unknown, type: string, field: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw violation(type, field, `must be a list, got ${describe(value)}`);
}

export function checkBinary(value: unknown, type: string, field: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw violation(type, field, `must be binary, got ${describe(value)}`);
}

/**
 * URI rules (spec wamp.md "Relaxed/Loose URIs"): components separated by `.`, no whitespace
 * (JavaScript `\s`), `.` or `#` inside a component. Pattern-based subscriptions/registrations
 * (wamp-ap.md "Pattern-based Subscription") allow empty components (`wildcard`) or an empty
 * last one (`prefix`, which also accepts the empty URI).
 */
export type UriMatch = 'exact' | 'prefix' | 'wildcard';

/** JavaScript `\s` beyond ASCII (ECMA-262 WhiteSpace and LineTerminator). */
function isUnicodeSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Whether `value` is a valid URI under the match policy (spec wamp.md "Relaxed/Loose URIs"; see UriMatch). */
export function isValidUri(value: string, match: UriMatch = 'exact'): boolean {
  const emptyInner = match === 'wildcard';
  let atComponentStart = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 46) {
      if (atComponentStart && !emptyInner) return false;
      atComponentStart = true;
    } else if (c === 35 || c === 32 || (c >= 9 && c <= 13) || (c >= 0xa0 && isUnicodeSpace(c))) {
      return false;
    } else {
      atComponentStart = false;
    }
  }
  // An empty last component: only pattern URIs may end with `.` (or be empty).
  return !atComponentStart || match !== 'exact';
}

export function checkUri(
  value: unknown,
  type: string,
  field: string,
  match: UriMatch = 'exact',
): string {
  if (typeof value !== 'string') {
    throw violation(type, field, `URI must be a string, got ${describe(value)}`);
  }
  if (!isValidUri(value, match))
    throw violation(type, field, `invalid URI ${JSON.stringify(value)}`);
  return value;
}
