/**
 * Conversion between the WAMP wire array (spec wamp.md "Message Structure":
 * `[Code|integer, Element, ...]`) and the message model, with full validation of every field.
 * Used by the json, msgpack, cbor and ubjson serializers; FlatBuffers maps tables directly.
 *
 * messageFromArray validates each element while it builds the message object (one switch on
 * the type code, no intermediate objects); errors are built only on failure.
 */
import {
  CALL_OPTIONS,
  CANCEL_OPTIONS,
  CLOSE_DETAILS,
  checkKnownKeys,
  ERROR_DETAILS,
  EVENT_DETAILS,
  HELLO_DETAILS,
  INTERRUPT_OPTIONS,
  INVOCATION_DETAILS,
  PUBLISH_OPTIONS,
  REGISTER_OPTIONS,
  RESULT_DETAILS,
  REVOCATION_DETAILS,
  type Schema,
  SUBSCRIBE_OPTIONS,
  WELCOME_DETAILS,
  YIELD_OPTIONS,
} from './dict-schemas.js';
import { ProtocolViolationError, SerializationError } from './errors.js';
import { MessageCode, type MessageTypeName, messageTypeName } from './message-types.js';
import type { AppPayload, Dict, WampMessage } from './messages.js';
import {
  checkBinary,
  checkDict,
  checkId,
  checkList,
  checkString,
  checkUri,
  isDict,
  type UriMatch,
  violation,
} from './validate.js';

function badArity(n: number, type: MessageTypeName, min: number, max: number): never {
  const expected = min === max ? `${min}` : `${min}..${max}`;
  throw new ProtocolViolationError(`invalid message length ${n} (expected ${expected})`, {
    messageType: type,
  });
}

function matchOf(options: Dict): UriMatch {
  const m = options.match;
  return m === 'prefix' || m === 'wildcard' ? m : 'exact';
}

/** An Options/Details element: a dict whose known keys pass their schema. */
function dictOf(value: unknown, schema: Schema | undefined, type: string, field: string): Dict {
  const d = checkDict(value, type, field);
  if (schema !== undefined) checkKnownKeys(d, schema, type, field);
  return d;
}

function requireRoles(details: Dict, type: string): void {
  if (!('roles' in details)) throw violation(type, 'details.roles', 'missing mandatory roles');
}

/**
 * Reads args/kwargs or a PassThru payload (spec wamp-ap.md "Payload PassThru Mode": one binary
 * element) from position `i` on into `msg`.
 */
function readPayload(msg: AppPayload, arr: unknown[], i: number, type: string): void {
  const first = arr[i];
  if (first instanceof Uint8Array && arr.length === i + 1) {
    msg.payload = first;
    return;
  }
  msg.args = checkList(first, type, 'args');
  if (arr.length > i + 1) msg.kwargs = checkDict(arr[i + 1], type, 'kwargs');
}

/**
 * Wire positions of the Options/Details/kwargs dictionaries per message code, as a bit mask of
 * element indexes. Decoders of formats that can carry `undefined` (msgpack, cbor) drop keys whose
 * value is `undefined` in exactly these dictionaries (wampy sends such keys) and reject
 * `undefined` everywhere else.
 */
const DICT_SLOTS: Readonly<Record<number, number>> = {
  [MessageCode.HELLO]: 1 << 2,
  [MessageCode.WELCOME]: 1 << 2,
  [MessageCode.ABORT]: 1 << 1,
  [MessageCode.GOODBYE]: 1 << 1,
  [MessageCode.ERROR]: (1 << 3) | (1 << 6),
  [MessageCode.PUBLISH]: (1 << 2) | (1 << 5),
  [MessageCode.SUBSCRIBE]: 1 << 2,
  [MessageCode.UNSUBSCRIBED]: 1 << 2,
  [MessageCode.EVENT]: (1 << 3) | (1 << 5),
  [MessageCode.CALL]: (1 << 2) | (1 << 5),
  [MessageCode.CANCEL]: 1 << 2,
  [MessageCode.RESULT]: (1 << 2) | (1 << 4),
  [MessageCode.REGISTER]: 1 << 2,
  [MessageCode.UNREGISTERED]: 1 << 2,
  [MessageCode.INVOCATION]: (1 << 3) | (1 << 5),
  [MessageCode.INTERRUPT]: 1 << 2,
  [MessageCode.YIELD]: (1 << 2) | (1 << 4),
};

/** Bit mask of the element indexes holding Options/Details/kwargs for a message code. */
export function undefinedTolerantSlots(code: unknown): number {
  return typeof code === 'number' ? (DICT_SLOTS[code] ?? 0) : 0;
}

/** Builds the model object for a wire array and validates it. Throws ProtocolViolationError. */
export function messageFromArray(value: unknown): WampMessage {
  if (!Array.isArray(value)) throw new ProtocolViolationError('WAMP message must be a list');
  const arr: unknown[] = value;
  const n = arr.length;
  if (n === 0) throw new ProtocolViolationError('WAMP message is an empty list');
  const code = arr[0];
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    throw new ProtocolViolationError('WAMP message type must be an integer');
  }
  switch (code) {
    case MessageCode.CALL: {
      if (n < 4 || n > 6) badArity(n, 'CALL', 4, 6);
      const t = 'CALL';
      const msg: WampMessage = {
        type: t,
        request: checkId(arr[1], t, 'request'),
        options: dictOf(arr[2], CALL_OPTIONS, t, 'options'),
        procedure: checkUri(arr[3], t, 'procedure'),
      };
      if (n > 4) readPayload(msg, arr, 4, t);
      return msg;
    }
    case MessageCode.RESULT: {
      if (n < 3 || n > 5) badArity(n, 'RESULT', 3, 5);
      const t = 'RESULT';
      const msg: WampMessage = {
        type: t,
        request: checkId(arr[1], t, 'request'),
        details: dictOf(arr[2], RESULT_DETAILS, t, 'details'),
      };
      if (n > 3) readPayload(msg, arr, 3, t);
      return msg;
    }
    case MessageCode.INVOCATION: {
      if (n < 4 || n > 6) badArity(n, 'INVOCATION', 4, 6);
      const t = 'INVOCATION';
      const msg: WampMessage = {
        type: t,
        request: checkId(arr[1], t, 'request'),
        registration: checkId(arr[2], t, 'registration'),
        details: dictOf(arr[3], INVOCATION_DETAILS, t, 'details'),
      };
      if (n > 4) readPayload(msg, arr, 4, t);
      return msg;
    }
    case MessageCode.YIELD: {
      if (n < 3 || n > 5) badArity(n, 'YIELD', 3, 5);
      const t = 'YIELD';
      const msg: WampMessage = {
        type: t,
        request: checkId(arr[1], t, 'request'),
        options: dictOf(arr[2], YIELD_OPTIONS, t, 'options'),
      };
      if (n > 3) readPayload(msg, arr, 3, t);
      return msg;
    }
    case MessageCode.EVENT: {
      if (n < 4 || n > 6) badArity(n, 'EVENT', 4, 6);
      const t = 'EVENT';
      const msg: WampMessage = {
        type: t,
        subscription: checkId(arr[1], t, 'subscription'),
        publication: checkId(arr[2], t, 'publication'),
        details: dictOf(arr[3], EVENT_DETAILS, t, 'details'),
      };
      if (n > 4) readPayload(msg, arr, 4, t);
      return msg;
    }
    case MessageCode.PUBLISH: {
      if (n < 4 || n > 6) badArity(n, 'PUBLISH', 4, 6);
      const t = 'PUBLISH';
      const msg: WampMessage = {
        type: t,
        request: checkId(arr[1], t, 'request'),
        options: dictOf(arr[2], PUBLISH_OPTIONS, t, 'options'),
        topic: checkUri(arr[3], t, 'topic'),
      };
      if (n > 4) readPayload(msg, arr, 4, t);
      return msg;
    }
    case MessageCode.ERROR: {
      if (n < 5 || n > 7) badArity(n, 'ERROR', 5, 7);
      const t = 'ERROR';
      const requestType = checkId(arr[1], t, 'requestType');
      if (messageTypeName(requestType) === undefined) {
        throw violation(t, 'requestType', `unknown request type ${requestType}`);
      }
      const msg: WampMessage = {
        type: t,
        requestType,
        request: checkId(arr[2], t, 'request'),
        details: dictOf(arr[3], ERROR_DETAILS, t, 'details'),
        error: checkUri(arr[4], t, 'error'),
      };
      if (n > 5) readPayload(msg, arr, 5, t);
      return msg;
    }
    case MessageCode.PUBLISHED:
    case MessageCode.SUBSCRIBED:
    case MessageCode.UNSUBSCRIBE:
    case MessageCode.REGISTERED:
    case MessageCode.UNREGISTER: {
      const t = messageTypeName(code) as
        | 'PUBLISHED'
        | 'SUBSCRIBED'
        | 'UNSUBSCRIBE'
        | 'REGISTERED'
        | 'UNREGISTER';
      if (n !== 3) badArity(n, t, 3, 3);
      const request = checkId(arr[1], t, 'request');
      if (t === 'PUBLISHED') {
        return { type: t, request, publication: checkId(arr[2], t, 'publication') };
      }
      if (t === 'SUBSCRIBED' || t === 'UNSUBSCRIBE') {
        return { type: t, request, subscription: checkId(arr[2], t, 'subscription') };
      }
      return { type: t, request, registration: checkId(arr[2], t, 'registration') };
    }
    case MessageCode.SUBSCRIBE:
    case MessageCode.REGISTER: {
      const t = code === MessageCode.SUBSCRIBE ? 'SUBSCRIBE' : 'REGISTER';
      if (n !== 4) badArity(n, t, 4, 4);
      const request = checkId(arr[1], t, 'request');
      const options = dictOf(
        arr[2],
        t === 'SUBSCRIBE' ? SUBSCRIBE_OPTIONS : REGISTER_OPTIONS,
        t,
        'options',
      );
      if (t === 'SUBSCRIBE') {
        return { type: t, request, options, topic: checkUri(arr[3], t, 'topic', matchOf(options)) };
      }
      return {
        type: t,
        request,
        options,
        procedure: checkUri(arr[3], t, 'procedure', matchOf(options)),
      };
    }
    case MessageCode.UNSUBSCRIBED:
    case MessageCode.UNREGISTERED: {
      const t = code === MessageCode.UNSUBSCRIBED ? 'UNSUBSCRIBED' : 'UNREGISTERED';
      if (n < 2 || n > 3) badArity(n, t, 2, 3);
      const request = checkId(arr[1], t, 'request');
      return n === 3
        ? { type: t, request, details: dictOf(arr[2], REVOCATION_DETAILS, t, 'details') }
        : { type: t, request };
    }
    case MessageCode.CANCEL:
    case MessageCode.INTERRUPT: {
      const t = code === MessageCode.CANCEL ? 'CANCEL' : 'INTERRUPT';
      if (n !== 3) badArity(n, t, 3, 3);
      return {
        type: t,
        request: checkId(arr[1], t, 'request'),
        options: dictOf(arr[2], t === 'CANCEL' ? CANCEL_OPTIONS : INTERRUPT_OPTIONS, t, 'options'),
      };
    }
    case MessageCode.EVENT_RECEIVED: {
      if (n !== 2) badArity(n, 'EVENT_RECEIVED', 2, 2);
      return {
        type: 'EVENT_RECEIVED',
        publication: checkId(arr[1], 'EVENT_RECEIVED', 'publication'),
      };
    }
    case MessageCode.HELLO: {
      if (n !== 3) badArity(n, 'HELLO', 3, 3);
      const realm = checkUri(arr[1], 'HELLO', 'realm');
      const details = dictOf(arr[2], HELLO_DETAILS, 'HELLO', 'details');
      requireRoles(details, 'HELLO');
      return { type: 'HELLO', realm, details };
    }
    case MessageCode.WELCOME: {
      if (n !== 3) badArity(n, 'WELCOME', 3, 3);
      const session = checkId(arr[1], 'WELCOME', 'session');
      const details = dictOf(arr[2], WELCOME_DETAILS, 'WELCOME', 'details');
      requireRoles(details, 'WELCOME');
      return { type: 'WELCOME', session, details };
    }
    case MessageCode.ABORT:
    case MessageCode.GOODBYE: {
      const t = code === MessageCode.ABORT ? 'ABORT' : 'GOODBYE';
      if (n !== 3) badArity(n, t, 3, 3);
      return {
        type: t,
        details: dictOf(arr[1], CLOSE_DETAILS, t, 'details'),
        reason: checkUri(arr[2], t, 'reason'),
      };
    }
    case MessageCode.CHALLENGE: {
      if (n !== 3) badArity(n, 'CHALLENGE', 3, 3);
      return {
        type: 'CHALLENGE',
        authMethod: checkString(arr[1], 'CHALLENGE', 'authMethod'),
        extra: checkDict(arr[2], 'CHALLENGE', 'extra'),
      };
    }
    case MessageCode.AUTHENTICATE: {
      if (n !== 3) badArity(n, 'AUTHENTICATE', 3, 3);
      return {
        type: 'AUTHENTICATE',
        signature: checkString(arr[1], 'AUTHENTICATE', 'signature'),
        extra: checkDict(arr[2], 'AUTHENTICATE', 'extra'),
      };
    }
    default:
      throw new ProtocolViolationError(`unknown WAMP message type ${code}`);
  }
}

/** Appends args/kwargs or the payload in wire order: kwargs forces args (empty if absent). */
function pushPayload(arr: unknown[], m: AppPayload): unknown[] {
  if (m.payload !== undefined) arr.push(m.payload);
  else if (m.kwargs !== undefined) arr.push(m.args ?? [], m.kwargs);
  else if (m.args !== undefined) arr.push(m.args);
  return arr;
}

/** The wire array for a message (spec wamp.md "Messages"). Does not validate. */
export function messageToArray(msg: WampMessage): unknown[] {
  switch (msg.type) {
    case 'HELLO':
      return [MessageCode.HELLO, msg.realm, msg.details];
    case 'WELCOME':
      return [MessageCode.WELCOME, msg.session, msg.details];
    case 'ABORT':
      return [MessageCode.ABORT, msg.details, msg.reason];
    case 'CHALLENGE':
      return [MessageCode.CHALLENGE, msg.authMethod, msg.extra];
    case 'AUTHENTICATE':
      return [MessageCode.AUTHENTICATE, msg.signature, msg.extra];
    case 'GOODBYE':
      return [MessageCode.GOODBYE, msg.details, msg.reason];
    case 'ERROR':
      return pushPayload(
        [MessageCode.ERROR, msg.requestType, msg.request, msg.details, msg.error],
        msg,
      );
    case 'PUBLISH':
      return pushPayload([MessageCode.PUBLISH, msg.request, msg.options, msg.topic], msg);
    case 'PUBLISHED':
      return [MessageCode.PUBLISHED, msg.request, msg.publication];
    case 'SUBSCRIBE':
      return [MessageCode.SUBSCRIBE, msg.request, msg.options, msg.topic];
    case 'SUBSCRIBED':
      return [MessageCode.SUBSCRIBED, msg.request, msg.subscription];
    case 'UNSUBSCRIBE':
      return [MessageCode.UNSUBSCRIBE, msg.request, msg.subscription];
    case 'UNSUBSCRIBED':
      return msg.details === undefined
        ? [MessageCode.UNSUBSCRIBED, msg.request]
        : [MessageCode.UNSUBSCRIBED, msg.request, msg.details];
    case 'EVENT':
      return pushPayload([MessageCode.EVENT, msg.subscription, msg.publication, msg.details], msg);
    case 'EVENT_RECEIVED':
      return [MessageCode.EVENT_RECEIVED, msg.publication];
    case 'CALL':
      return pushPayload([MessageCode.CALL, msg.request, msg.options, msg.procedure], msg);
    case 'CANCEL':
      return [MessageCode.CANCEL, msg.request, msg.options];
    case 'RESULT':
      return pushPayload([MessageCode.RESULT, msg.request, msg.details], msg);
    case 'REGISTER':
      return [MessageCode.REGISTER, msg.request, msg.options, msg.procedure];
    case 'REGISTERED':
      return [MessageCode.REGISTERED, msg.request, msg.registration];
    case 'UNREGISTER':
      return [MessageCode.UNREGISTER, msg.request, msg.registration];
    case 'UNREGISTERED':
      return msg.details === undefined
        ? [MessageCode.UNREGISTERED, msg.request]
        : [MessageCode.UNREGISTERED, msg.request, msg.details];
    case 'INVOCATION':
      return pushPayload([MessageCode.INVOCATION, msg.request, msg.registration, msg.details], msg);
    case 'INTERRUPT':
      return [MessageCode.INTERRUPT, msg.request, msg.options];
    case 'YIELD':
      return pushPayload([MessageCode.YIELD, msg.request, msg.options], msg);
  }
}

function checkPayload(m: AppPayload, type: string): void {
  if (m.payload !== undefined) {
    checkBinary(m.payload, type, 'payload');
    if (m.args !== undefined || m.kwargs !== undefined) {
      throw violation(type, 'payload', 'payload excludes args and kwargs');
    }
    return;
  }
  if (m.args !== undefined) checkList(m.args, type, 'args');
  if (m.kwargs !== undefined) checkDict(m.kwargs, type, 'kwargs');
}

/**
 * Validates every field of a message object: IDs in [0, 2^53], URIs, dictionaries and the
 * known Options/Details keys. Throws ProtocolViolationError naming the type and field.
 */
export function validateMessage(msg: WampMessage): void {
  const t = msg.type;
  switch (msg.type) {
    case 'CALL':
      checkId(msg.request, t, 'request');
      dictOf(msg.options, CALL_OPTIONS, t, 'options');
      checkUri(msg.procedure, t, 'procedure');
      checkPayload(msg, t);
      return;
    case 'RESULT':
      checkId(msg.request, t, 'request');
      dictOf(msg.details, RESULT_DETAILS, t, 'details');
      checkPayload(msg, t);
      return;
    case 'INVOCATION':
      checkId(msg.request, t, 'request');
      checkId(msg.registration, t, 'registration');
      dictOf(msg.details, INVOCATION_DETAILS, t, 'details');
      checkPayload(msg, t);
      return;
    case 'YIELD':
      checkId(msg.request, t, 'request');
      dictOf(msg.options, YIELD_OPTIONS, t, 'options');
      checkPayload(msg, t);
      return;
    case 'EVENT':
      checkId(msg.subscription, t, 'subscription');
      checkId(msg.publication, t, 'publication');
      dictOf(msg.details, EVENT_DETAILS, t, 'details');
      checkPayload(msg, t);
      return;
    case 'PUBLISH':
      checkId(msg.request, t, 'request');
      dictOf(msg.options, PUBLISH_OPTIONS, t, 'options');
      checkUri(msg.topic, t, 'topic');
      checkPayload(msg, t);
      return;
    case 'ERROR': {
      const rt = checkId(msg.requestType, t, 'requestType');
      if (messageTypeName(rt) === undefined) {
        throw violation(t, 'requestType', `unknown request type ${rt}`);
      }
      checkId(msg.request, t, 'request');
      dictOf(msg.details, ERROR_DETAILS, t, 'details');
      checkUri(msg.error, t, 'error');
      checkPayload(msg, t);
      return;
    }
    case 'HELLO':
      checkUri(msg.realm, t, 'realm');
      requireRoles(dictOf(msg.details, HELLO_DETAILS, t, 'details'), t);
      return;
    case 'WELCOME':
      checkId(msg.session, t, 'session');
      requireRoles(dictOf(msg.details, WELCOME_DETAILS, t, 'details'), t);
      return;
    case 'ABORT':
    case 'GOODBYE':
      dictOf(msg.details, CLOSE_DETAILS, t, 'details');
      checkUri(msg.reason, t, 'reason');
      return;
    case 'CHALLENGE':
      checkString(msg.authMethod, t, 'authMethod');
      checkDict(msg.extra, t, 'extra');
      return;
    case 'AUTHENTICATE':
      checkString(msg.signature, t, 'signature');
      checkDict(msg.extra, t, 'extra');
      return;
    case 'SUBSCRIBE': {
      checkId(msg.request, t, 'request');
      const options = dictOf(msg.options, SUBSCRIBE_OPTIONS, t, 'options');
      checkUri(msg.topic, t, 'topic', matchOf(options));
      return;
    }
    case 'REGISTER': {
      checkId(msg.request, t, 'request');
      const options = dictOf(msg.options, REGISTER_OPTIONS, t, 'options');
      checkUri(msg.procedure, t, 'procedure', matchOf(options));
      return;
    }
    case 'PUBLISHED':
      checkId(msg.request, t, 'request');
      checkId(msg.publication, t, 'publication');
      return;
    case 'SUBSCRIBED':
    case 'UNSUBSCRIBE':
      checkId(msg.request, t, 'request');
      checkId(msg.subscription, t, 'subscription');
      return;
    case 'UNSUBSCRIBED':
    case 'UNREGISTERED':
      checkId(msg.request, t, 'request');
      if (msg.details !== undefined) dictOf(msg.details, REVOCATION_DETAILS, t, 'details');
      return;
    case 'EVENT_RECEIVED':
      checkId(msg.publication, t, 'publication');
      return;
    case 'CANCEL':
      checkId(msg.request, t, 'request');
      dictOf(msg.options, CANCEL_OPTIONS, t, 'options');
      return;
    case 'INTERRUPT':
      checkId(msg.request, t, 'request');
      dictOf(msg.options, INTERRUPT_OPTIONS, t, 'options');
      return;
    case 'REGISTERED':
    case 'UNREGISTER':
      checkId(msg.request, t, 'request');
      checkId(msg.registration, t, 'registration');
      return;
    default:
      throw new ProtocolViolationError(
        `unknown message type ${JSON.stringify((msg as { type: unknown }).type)}`,
      );
  }
}

/** validateMessage for outgoing messages: local misuse becomes a SerializationError. */
export function validateOutgoing(msg: WampMessage): void {
  if (!isDict(msg)) throw new SerializationError('a WAMP message must be an object');
  try {
    validateMessage(msg);
  } catch (e) {
    if (e instanceof ProtocolViolationError) {
      throw new SerializationError(`invalid outgoing message: ${e.message}`, { cause: e });
    }
    throw e;
  }
}
