/**
 * Type checks for the known keys of Options/Details dictionaries (spec wamp.md "Messages",
 * wamp-ap.md feature sections). Unknown keys are kept untouched: the spec lets peers ignore
 * attributes they do not know.
 */
import type { Dict } from './messages.js';
import { describe, isDict, isId, isValidUri, violation } from './validate.js';

/** A failed check: where below the key (`""`, `"[2]"`, `".caller"`) and what is wrong. */
interface Problem {
  readonly at: string;
  readonly message: string;
}
/** Returns undefined when the value is acceptable (no allocation on that path). */
type KeyCheck = (value: unknown) => Problem | undefined;
type Schema = ReadonlyMap<string, KeyCheck>;

const problem = (message: string, at = ''): Problem => ({ at, message });

const bool: KeyCheck = (v) =>
  typeof v === 'boolean' ? undefined : problem(`must be a bool, got ${describe(v)}`);
const id: KeyCheck = (v) => {
  if (isId(v)) return undefined;
  return typeof v === 'number' && Number.isInteger(v)
    ? problem(`ID ${v} outside [0, 2^53]`)
    : problem(`ID must be an integer, got ${describe(v)}`);
};
const str: KeyCheck = (v) =>
  typeof v === 'string' ? undefined : problem(`must be a string, got ${describe(v)}`);
const uri: KeyCheck = (v) => {
  if (typeof v !== 'string') return problem(`URI must be a string, got ${describe(v)}`);
  return isValidUri(v) ? undefined : problem(`invalid URI ${JSON.stringify(v)}`);
};
const dict: KeyCheck = (v) =>
  isDict(v) ? undefined : problem(`must be a dict, got ${describe(v)}`);
const nonNegInt: KeyCheck = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0
    ? undefined
    : problem(`must be a non-negative integer, got ${describe(v)}`);

function listOf(item: KeyCheck): KeyCheck {
  return (v) => {
    if (!Array.isArray(v)) return problem(`must be a list, got ${describe(v)}`);
    for (let i = 0; i < v.length; i++) {
      const p = item(v[i]);
      if (p !== undefined) return problem(p.message, `[${i}]${p.at}`);
    }
    return undefined;
  };
}

function oneOf(...allowed: string[]): KeyCheck {
  return (v) => {
    if (typeof v !== 'string') return problem(`must be a string, got ${describe(v)}`);
    return allowed.includes(v)
      ? undefined
      : problem(`invalid value ${JSON.stringify(v)} (expected one of ${allowed.join(', ')})`);
  };
}

/** Standard or `x_`-prefixed custom identifier (wamp-ap.md "Payload PassThru Mode"). */
function standardOrCustom(...standard: string[]): KeyCheck {
  return (v) => {
    if (typeof v !== 'string') return problem(`must be a string, got ${describe(v)}`);
    return standard.includes(v) || v.startsWith('x_')
      ? undefined
      : problem(`invalid value ${JSON.stringify(v)}`);
  };
}

/** forward_for: the router-to-router route, a list of {session, authid, authrole}. */
const forwardFor: KeyCheck = listOf((hop) => {
  if (!isDict(hop)) return problem(`must be a dict, got ${describe(hop)}`);
  for (const [key, check] of [
    ['session', id],
    ['authid', str],
    ['authrole', str],
  ] as const) {
    if (key in hop) {
      const p = check(hop[key]);
      if (p !== undefined) return problem(p.message, `.${key}`);
    }
  }
  return undefined;
});

const schema = (...parts: Record<string, KeyCheck>[]): Schema =>
  new Map(parts.flatMap((p) => Object.entries(p)));

/** Payload PassThru attributes (legacy enc_* names used by Autobahn and the test vectors, and ppt_*). */
const passthru: Record<string, KeyCheck> = {
  enc_algo: standardOrCustom('cryptobox', 'mqtt', 'xbr'),
  enc_serializer: standardOrCustom('json', 'msgpack', 'cbor', 'ubjson', 'flatbuffers', 'opaque'),
  enc_key: str,
  ppt_scheme: str,
  ppt_serializer: str,
  ppt_cipher: str,
  ppt_keyid: str,
};

const routed: Record<string, KeyCheck> = { forward_for: forwardFor };

function rolesOf(allowed: string[]): KeyCheck {
  return (v) => {
    if (!isDict(v)) return problem(`must be a dict, got ${describe(v)}`);
    for (const role in v) {
      if (!allowed.includes(role))
        return problem(`unknown role ${JSON.stringify(role)}`, `.${role}`);
      const spec = v[role];
      if (!isDict(spec)) return problem(`must be a dict, got ${describe(spec)}`, `.${role}`);
      if ('features' in spec && !isDict(spec.features)) {
        return problem(`must be a dict, got ${describe(spec.features)}`, `.${role}.features`);
      }
    }
    return undefined;
  };
}

const HELLO_DETAILS: Schema = schema({
  roles: rolesOf(['publisher', 'subscriber', 'caller', 'callee']),
  agent: str,
  authmethods: listOf(str),
  authid: str,
  authrole: str,
  authextra: dict,
  resumable: bool,
  'resume-session': id,
  'resume-token': str,
});

const WELCOME_DETAILS: Schema = schema({
  roles: rolesOf(['broker', 'dealer']),
  agent: str,
  realm: uri,
  authid: str,
  authrole: str,
  authmethod: str,
  authprovider: str,
  authextra: dict,
  resumed: bool,
  resumable: bool,
  'resume-token': str,
});

const CLOSE_DETAILS: Schema = schema({ message: str });

const PUBLISH_OPTIONS: Schema = schema(
  {
    acknowledge: bool,
    exclude_me: bool,
    exclude: listOf(id),
    exclude_authid: listOf(str),
    exclude_authrole: listOf(str),
    eligible: listOf(id),
    eligible_authid: listOf(str),
    eligible_authrole: listOf(str),
    disclose_me: bool,
    retain: bool,
    transaction_hash: str,
  },
  passthru,
  routed,
);

const SUBSCRIBE_OPTIONS: Schema = schema(
  {
    match: oneOf('exact', 'prefix', 'wildcard'),
    get_retained: bool,
  },
  routed,
);

const EVENT_DETAILS: Schema = schema(
  {
    publisher: id,
    publisher_authid: str,
    publisher_authrole: str,
    topic: uri,
    retained: bool,
    transaction_hash: str,
    x_acknowledged_delivery: bool,
  },
  passthru,
  routed,
);

const CALL_OPTIONS: Schema = schema(
  {
    timeout: nonNegInt,
    receive_progress: bool,
    disclose_me: bool,
    progress: bool,
    transaction_hash: str,
  },
  passthru,
  routed,
);

const RESULT_DETAILS: Schema = schema(
  {
    progress: bool,
    callee: id,
    callee_authid: str,
    callee_authrole: str,
  },
  passthru,
  routed,
);

const REGISTER_OPTIONS: Schema = schema(
  {
    match: oneOf('exact', 'prefix', 'wildcard'),
    invoke: oneOf('single', 'first', 'last', 'roundrobin', 'random'),
    concurrency: nonNegInt,
    force_reregister: bool,
    disclose_caller: bool,
  },
  routed,
);

const INVOCATION_DETAILS: Schema = schema(
  {
    caller: id,
    caller_authid: str,
    caller_authrole: str,
    procedure: uri,
    timeout: nonNegInt,
    receive_progress: bool,
    transaction_hash: str,
  },
  passthru,
  routed,
);

const YIELD_OPTIONS: Schema = schema(
  {
    progress: bool,
    callee: id,
    callee_authid: str,
    callee_authrole: str,
  },
  passthru,
  routed,
);

const CANCEL_OPTIONS: Schema = schema({ mode: oneOf('skip', 'kill', 'killnowait') }, routed);
const INTERRUPT_OPTIONS: Schema = schema(
  {
    mode: oneOf('kill', 'killnowait'),
    reason: uri,
  },
  routed,
);
const ERROR_DETAILS: Schema = schema(
  {
    callee: id,
    callee_authid: str,
    callee_authrole: str,
  },
  passthru,
  routed,
);
const REVOCATION_DETAILS: Schema = schema({ reason: uri, subscription: id, registration: id });

export {
  CALL_OPTIONS,
  CANCEL_OPTIONS,
  CLOSE_DETAILS,
  ERROR_DETAILS,
  EVENT_DETAILS,
  HELLO_DETAILS,
  INTERRUPT_OPTIONS,
  INVOCATION_DETAILS,
  PUBLISH_OPTIONS,
  REGISTER_OPTIONS,
  RESULT_DETAILS,
  REVOCATION_DETAILS,
  SUBSCRIBE_OPTIONS,
  WELCOME_DETAILS,
  YIELD_OPTIONS,
};
export type { Schema };

/**
 * Checks the known keys of a dictionary element against its schema. `type`/`field` name the
 * message type and element (`options`, `details`) for the error.
 */
export function checkKnownKeys(dict: Dict, schema: Schema, type: string, field: string): void {
  for (const key in dict) {
    const check = schema.get(key);
    if (check === undefined) continue;
    const p = check(dict[key]);
    if (p !== undefined) throw violation(type, `${field}.${key}${p.at}`, p.message);
  }
}
