/**
 * Type checks for the known keys of Options/Details dictionaries (spec wamp.md "Messages",
 * wamp-ap.md feature sections). Unknown keys are kept untouched: the spec lets peers ignore
 * attributes they do not know.
 */
import type { Dict } from './messages.js';
import {
  checkBool,
  checkDict,
  checkId,
  checkList,
  checkNonNegativeInt,
  checkString,
  checkUri,
  isDict,
  violation,
  type Where,
} from './validate.js';

type KeyCheck = (value: unknown, where: Where) => void;
type Schema = Readonly<Record<string, KeyCheck>>;

const bool: KeyCheck = (v, w) => void checkBool(v, w);
const id: KeyCheck = (v, w) => void checkId(v, w);
const str: KeyCheck = (v, w) => void checkString(v, w);
const uri: KeyCheck = (v, w) => void checkUri(v, w);
const dict: KeyCheck = (v, w) => void checkDict(v, w);
const nonNegInt: KeyCheck = (v, w) => void checkNonNegativeInt(v, w);

function listOf(item: KeyCheck): KeyCheck {
  return (v, w) => {
    const list = checkList(v, w);
    for (let i = 0; i < list.length; i++)
      item(list[i], { type: w.type, field: `${w.field}[${i}]` });
  };
}

function oneOf(...allowed: string[]): KeyCheck {
  return (v, w) => {
    const s = checkString(v, w);
    if (!allowed.includes(s)) {
      throw violation(
        w,
        `invalid value ${JSON.stringify(s)} (expected one of ${allowed.join(', ')})`,
      );
    }
  };
}

/** Standard or `x_`-prefixed custom identifier (wamp-ap.md "Payload PassThru Mode"). */
function standardOrCustom(...standard: string[]): KeyCheck {
  return (v, w) => {
    const s = checkString(v, w);
    if (!standard.includes(s) && !s.startsWith('x_')) {
      throw violation(w, `invalid value ${JSON.stringify(s)}`);
    }
  };
}

/** forward_for: the router-to-router route, a list of {session, authid, authrole}. */
const forwardFor: KeyCheck = (v, w) => {
  const list = checkList(v, w);
  list.forEach((hop, i) => {
    const at = { type: w.type, field: `${w.field}[${i}]` };
    const d = checkDict(hop, at);
    if ('session' in d) checkId(d.session, { type: w.type, field: `${at.field}.session` });
    if ('authid' in d) checkString(d.authid, { type: w.type, field: `${at.field}.authid` });
    if ('authrole' in d) checkString(d.authrole, { type: w.type, field: `${at.field}.authrole` });
  });
};

/** Payload PassThru attributes (legacy enc_* names used by Autobahn and the test vectors, and ppt_*). */
const passthru: Schema = {
  enc_algo: standardOrCustom('cryptobox', 'mqtt', 'xbr'),
  enc_serializer: standardOrCustom('json', 'msgpack', 'cbor', 'ubjson', 'flatbuffers', 'opaque'),
  enc_key: str,
  ppt_scheme: str,
  ppt_serializer: str,
  ppt_cipher: str,
  ppt_keyid: str,
};

const routed: Schema = { forward_for: forwardFor };

function rolesOf(allowed: string[]): KeyCheck {
  return (v, w) => {
    const roles = checkDict(v, w);
    for (const [role, spec] of Object.entries(roles)) {
      const at = { type: w.type, field: `${w.field}.${role}` };
      if (!allowed.includes(role)) throw violation(at, `unknown role ${JSON.stringify(role)}`);
      const d = checkDict(spec, at);
      if ('features' in d) checkDict(d.features, { type: w.type, field: `${at.field}.features` });
    }
  };
}

const HELLO_DETAILS: Schema = {
  roles: rolesOf(['publisher', 'subscriber', 'caller', 'callee']),
  agent: str,
  authmethods: listOf(str),
  authid: str,
  authrole: str,
  authextra: dict,
  resumable: bool,
  'resume-session': id,
  'resume-token': str,
};

const WELCOME_DETAILS: Schema = {
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
};

const CLOSE_DETAILS: Schema = { message: str };

const PUBLISH_OPTIONS: Schema = {
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
  ...passthru,
  ...routed,
};

const SUBSCRIBE_OPTIONS: Schema = {
  match: oneOf('exact', 'prefix', 'wildcard'),
  get_retained: bool,
  ...routed,
};

const EVENT_DETAILS: Schema = {
  publisher: id,
  publisher_authid: str,
  publisher_authrole: str,
  topic: uri,
  retained: bool,
  transaction_hash: str,
  x_acknowledged_delivery: bool,
  ...passthru,
  ...routed,
};

const CALL_OPTIONS: Schema = {
  timeout: nonNegInt,
  receive_progress: bool,
  disclose_me: bool,
  progress: bool,
  transaction_hash: str,
  ...passthru,
  ...routed,
};

const RESULT_DETAILS: Schema = {
  progress: bool,
  callee: id,
  callee_authid: str,
  callee_authrole: str,
  ...passthru,
  ...routed,
};

const REGISTER_OPTIONS: Schema = {
  match: oneOf('exact', 'prefix', 'wildcard'),
  invoke: oneOf('single', 'first', 'last', 'roundrobin', 'random'),
  concurrency: nonNegInt,
  force_reregister: bool,
  disclose_caller: bool,
  ...routed,
};

const INVOCATION_DETAILS: Schema = {
  caller: id,
  caller_authid: str,
  caller_authrole: str,
  procedure: uri,
  timeout: nonNegInt,
  receive_progress: bool,
  transaction_hash: str,
  ...passthru,
  ...routed,
};

const YIELD_OPTIONS: Schema = {
  progress: bool,
  callee: id,
  callee_authid: str,
  callee_authrole: str,
  ...passthru,
  ...routed,
};

const CANCEL_OPTIONS: Schema = { mode: oneOf('skip', 'kill', 'killnowait'), ...routed };
const INTERRUPT_OPTIONS: Schema = {
  mode: oneOf('kill', 'killnowait'),
  reason: uri,
  ...routed,
};
const ERROR_DETAILS: Schema = {
  callee: id,
  callee_authid: str,
  callee_authrole: str,
  ...passthru,
  ...routed,
};
const REVOCATION_DETAILS: Schema = { reason: uri, subscription: id, registration: id };

/** Schema per `<message type>.<element>`. */
const SCHEMAS: Readonly<Record<string, Schema>> = {
  'HELLO.details': HELLO_DETAILS,
  'WELCOME.details': WELCOME_DETAILS,
  'ABORT.details': CLOSE_DETAILS,
  'GOODBYE.details': CLOSE_DETAILS,
  'ERROR.details': ERROR_DETAILS,
  'PUBLISH.options': PUBLISH_OPTIONS,
  'SUBSCRIBE.options': SUBSCRIBE_OPTIONS,
  'UNSUBSCRIBED.details': REVOCATION_DETAILS,
  'EVENT.details': EVENT_DETAILS,
  'CALL.options': CALL_OPTIONS,
  'CANCEL.options': CANCEL_OPTIONS,
  'RESULT.details': RESULT_DETAILS,
  'REGISTER.options': REGISTER_OPTIONS,
  'UNREGISTERED.details': REVOCATION_DETAILS,
  'INVOCATION.details': INVOCATION_DETAILS,
  'INTERRUPT.options': INTERRUPT_OPTIONS,
  'YIELD.options': YIELD_OPTIONS,
};

/** Checks the element `field` (`options`/`details`) of a message of type `type`. */
export function checkKnownKeys(dict: Dict, type: string, field: string): void {
  const schema = SCHEMAS[`${type}.${field}`];
  if (schema === undefined) return;
  for (const key in dict) {
    if (!Object.hasOwn(schema, key)) continue;
    const check = schema[key];
    if (check !== undefined) check(dict[key], { type, field: `${field}.${key}` });
  }
}

export { isDict };
