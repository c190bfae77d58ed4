/**
 * Field checks shared by every serializer (spec wamp.md "Identifiers": IDs, URIs; "Messages":
 * element types). Each check throws ProtocolViolationError naming the message type and field.
 */
import { ProtocolViolationError } from './errors.js';
import type { Dict } from './messages.js';

/** Largest WAMP ID (spec wamp.md "IDs": drawn from [1, 2^53]; 0 is used by some replies). */
export const MAX_ID = 2 ** 53;

/** Where a value sits: message type name and field path, for error messages. */
export interface Where {
  readonly type: string;
  readonly field: string;
}

export function violation(where: Where, message: string): ProtocolViolationError {
  return new ProtocolViolationError(message, { messageType: where.type, field: where.field });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Uint8Array) return 'binary';
  return typeof value;
}

export function isDict(value: unknown): value is Dict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

export function checkId(value: unknown, where: Where): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw violation(where, `ID must be an integer, got ${describe(value)}`);
  }
  if (value < 0 || value > MAX_ID) throw violation(where, `ID ${value} outside [0, 2^53]`);
  return value;
}

export function checkNonNegativeInt(value: unknown, where: Where): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw violation(where, `must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

export function checkString(value: unknown, where: Where): string {
  if (typeof value !== 'string') throw violation(where, `must be a string, got ${describe(value)}`);
  return value;
}

export function checkBool(value: unknown, where: Where): boolean {
  if (typeof value !== 'boolean') throw violation(where, `must be a bool, got ${describe(value)}`);
  return value;
}

export function checkDict(value: unknown, where: Where): Dict {
  if (!isDict(value)) throw violation(where, `must be a dict, got ${describe(value)}`);
  return value;
}

export function checkList(value: unknown, where: Where): unknown[] {
  if (!Array.isArray(value)) throw violation(where, `must be a list, got ${describe(value)}`);
  return value;
}

export function checkBinary(value: unknown, where: Where): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw violation(where, `must be binary, got ${describe(value)}`);
  }
  return value;
}

/**
 * URI rules (spec wamp.md "Relaxed/Loose URIs"): components separated by `.`, no whitespace,
 * `.` or `#` inside a component. Pattern-based subscriptions/registrations (wamp-ap.md
 * "Pattern-based Subscription") allow empty components (`wildcard`) or an empty last one (`prefix`).
 */
const URI_LOOSE = /^([^\s.#]+\.)*([^\s.#]+)$/;
const URI_LOOSE_EMPTY = /^(([^\s.#]+\.)|\.)*([^\s.#]+)?$/;
const URI_LOOSE_LAST_EMPTY = /^([^\s.#]+\.)*([^\s.#]*)$/;

export type UriMatch = 'exact' | 'prefix' | 'wildcard';

export function checkUri(value: unknown, where: Where, match: UriMatch = 'exact'): string {
  if (typeof value !== 'string')
    throw violation(where, `URI must be a string, got ${describe(value)}`);
  const pattern =
    match === 'wildcard' ? URI_LOOSE_EMPTY : match === 'prefix' ? URI_LOOSE_LAST_EMPTY : URI_LOOSE;
  if (!pattern.test(value)) throw violation(where, `invalid URI ${JSON.stringify(value)}`);
  return value;
}

export function isValidUri(value: string, match: UriMatch = 'exact'): boolean {
  const pattern =
    match === 'wildcard' ? URI_LOOSE_EMPTY : match === 'prefix' ? URI_LOOSE_LAST_EMPTY : URI_LOOSE;
  return pattern.test(value);
}
