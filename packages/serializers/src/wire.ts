/**
 * Conversion between the WAMP wire array (spec wamp.md "Message Structure":
 * `[Code|integer, Element, ...]`) and the message model, with full validation of every field.
 * Used by the json, msgpack, cbor and ubjson serializers; FlatBuffers maps tables directly.
 */
import { checkKnownKeys } from './dict-schemas.js';
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
  type Where,
} from './validate.js';

const at = (type: string, field: string): Where => ({ type, field });

function arity(arr: unknown[], type: MessageTypeName, min: number, max = min): void {
  if (arr.length < min || arr.length > max) {
    const expected = min === max ? `${min}` : `${min}..${max}`;
    throw new ProtocolViolationError(
      `invalid message length ${arr.length} (expected ${expected})`,
      {
        messageType: type,
      },
    );
  }
}

function matchOf(options: Dict): UriMatch {
  const m = options.match;
  return m === 'prefix' || m === 'wildcard' ? m : 'exact';
}

/** Reads args/kwargs or a PassThru payload from position `i` on (spec wamp-ap.md "Payload PassThru Mode"). */
function readPayload(arr: unknown[], i: number, type: string): AppPayload {
  if (arr.length <= i) return {};
  const first = arr[i];
  if (first instanceof Uint8Array && arr.length === i + 1) return { payload: first };
  const out: AppPayload = { args: checkList(first, at(type, 'args')) };
  if (arr.length > i + 1) out.kwargs = checkDict(arr[i + 1], at(type, 'kwargs'));
  return out;
}

function withPayload<T extends object>(base: T, p: AppPayload): T & AppPayload {
  const out = base as T & AppPayload;
  if (p.payload !== undefined) out.payload = p.payload;
  if (p.args !== undefined) out.args = p.args;
  if (p.kwargs !== undefined) out.kwargs = p.kwargs;
  return out;
}

/** Appends args/kwargs or the payload in wire order: kwargs forces args (empty if absent). */
function pushPayload(arr: unknown[], m: AppPayload): unknown[] {
  if (m.payload !== undefined) arr.push(m.payload);
  else if (m.kwargs !== undefined) arr.push(m.args ?? [], m.kwargs);
  else if (m.args !== undefined) arr.push(m.args);
  return arr;
}

/** Builds the model object for a wire array and validates it. Throws ProtocolViolationError. */
export function messageFromArray(value: unknown): WampMessage {
  if (!Array.isArray(value)) {
    throw new ProtocolViolationError('WAMP message must be a list');
  }
  const arr = value;
  if (arr.length === 0) throw new ProtocolViolationError('WAMP message is an empty list');
  const code = arr[0];
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    throw new ProtocolViolationError('WAMP message type must be an integer');
  }
  const type = messageTypeName(code);
  if (type === undefined) throw new ProtocolViolationError(`unknown WAMP message type ${code}`);
  let msg: WampMessage;
  switch (type) {
    case 'HELLO':
      arity(arr, type, 3);
      msg = { type, realm: arr[1] as string, details: arr[2] as Dict };
      break;
    case 'WELCOME':
      arity(arr, type, 3);
      msg = { type, session: arr[1] as number, details: arr[2] as Dict };
      break;
    case 'ABORT':
    case 'GOODBYE':
      arity(arr, type, 3);
      msg = { type, details: arr[1] as Dict, reason: arr[2] as string };
      break;
    case 'CHALLENGE':
      arity(arr, type, 3);
      msg = { type, authMethod: arr[1] as string, extra: arr[2] as Dict };
      break;
    case 'AUTHENTICATE':
      arity(arr, type, 3);
      msg = { type, signature: arr[1] as string, extra: arr[2] as Dict };
      break;
    case 'ERROR':
      arity(arr, type, 5, 7);
      msg = withPayload(
        {
          type,
          requestType: arr[1] as number,
          request: arr[2] as number,
          details: arr[3] as Dict,
          error: arr[4] as string,
        },
        readPayload(arr, 5, type),
      );
      break;
    case 'PUBLISH':
      arity(arr, type, 4, 6);
      msg = withPayload(
        { type, request: arr[1] as number, options: arr[2] as Dict, topic: arr[3] as string },
        readPayload(arr, 4, type),
      );
      break;
    case 'PUBLISHED':
      arity(arr, type, 3);
      msg = { type, request: arr[1] as number, publication: arr[2] as number };
      break;
    case 'SUBSCRIBE':
      arity(arr, type, 4);
      msg = { type, request: arr[1] as number, options: arr[2] as Dict, topic: arr[3] as string };
      break;
    case 'SUBSCRIBED':
      arity(arr, type, 3);
      msg = { type, request: arr[1] as number, subscription: arr[2] as number };
      break;
    case 'UNSUBSCRIBE':
      arity(arr, type, 3);
      msg = { type, request: arr[1] as number, subscription: arr[2] as number };
      break;
    case 'UNSUBSCRIBED':
    case 'UNREGISTERED':
      arity(arr, type, 2, 3);
      msg =
        arr.length === 3
          ? { type, request: arr[1] as number, details: arr[2] as Dict }
          : { type, request: arr[1] as number };
      break;
    case 'EVENT':
      arity(arr, type, 4, 6);
      msg = withPayload(
        {
          type,
          subscription: arr[1] as number,
          publication: arr[2] as number,
          details: arr[3] as Dict,
        },
        readPayload(arr, 4, type),
      );
      break;
    case 'EVENT_RECEIVED':
      arity(arr, type, 2);
      msg = { type, publication: arr[1] as number };
      break;
    case 'CALL':
      arity(arr, type, 4, 6);
      msg = withPayload(
        { type, request: arr[1] as number, options: arr[2] as Dict, procedure: arr[3] as string },
        readPayload(arr, 4, type),
      );
      break;
    case 'CANCEL':
    case 'INTERRUPT':
      arity(arr, type, 3);
      msg = { type, request: arr[1] as number, options: arr[2] as Dict };
      break;
    case 'RESULT':
      arity(arr, type, 3, 5);
      msg = withPayload(
        { type, request: arr[1] as number, details: arr[2] as Dict },
        readPayload(arr, 3, type),
      );
      break;
    case 'REGISTER':
      arity(arr, type, 4);
      msg = {
        type,
        request: arr[1] as number,
        options: arr[2] as Dict,
        procedure: arr[3] as string,
      };
      break;
    case 'REGISTERED':
    case 'UNREGISTER':
      arity(arr, type, 3);
      msg = { type, request: arr[1] as number, registration: arr[2] as number };
      break;
    case 'INVOCATION':
      arity(arr, type, 4, 6);
      msg = withPayload(
        {
          type,
          request: arr[1] as number,
          registration: arr[2] as number,
          details: arr[3] as Dict,
        },
        readPayload(arr, 4, type),
      );
      break;
    case 'YIELD':
      arity(arr, type, 3, 5);
      msg = withPayload(
        { type, request: arr[1] as number, options: arr[2] as Dict },
        readPayload(arr, 3, type),
      );
      break;
  }
  validateMessage(msg);
  return msg;
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

function dictField(msg: object, type: string, field: string): void {
  const value = (msg as Record<string, unknown>)[field];
  checkKnownKeys(checkDict(value, at(type, field)), type, field);
}

function checkPayload(m: AppPayload, type: string): void {
  if (m.payload !== undefined) {
    checkBinary(m.payload, at(type, 'payload'));
    if (m.args !== undefined || m.kwargs !== undefined) {
      throw violation(at(type, 'payload'), 'payload excludes args and kwargs');
    }
    return;
  }
  if (m.args !== undefined) checkList(m.args, at(type, 'args'));
  if (m.kwargs !== undefined) checkDict(m.kwargs, at(type, 'kwargs'));
}

function requireRoles(details: Dict, type: string): void {
  if (!('roles' in details)) throw violation(at(type, 'details.roles'), 'missing mandatory roles');
}

/**
 * Validates every field of a message object: IDs in [0, 2^53], URIs, dictionaries and the
 * known Options/Details keys. Throws ProtocolViolationError naming the type and field.
 */
export function validateMessage(msg: WampMessage): void {
  const t = msg.type;
  switch (msg.type) {
    case 'HELLO':
      checkUri(msg.realm, at(t, 'realm'));
      dictField(msg, t, 'details');
      requireRoles(msg.details, t);
      return;
    case 'WELCOME':
      checkId(msg.session, at(t, 'session'));
      dictField(msg, t, 'details');
      requireRoles(msg.details, t);
      return;
    case 'ABORT':
    case 'GOODBYE':
      dictField(msg, t, 'details');
      checkUri(msg.reason, at(t, 'reason'));
      return;
    case 'CHALLENGE':
      checkString(msg.authMethod, at(t, 'authMethod'));
      checkDict(msg.extra, at(t, 'extra'));
      return;
    case 'AUTHENTICATE':
      checkString(msg.signature, at(t, 'signature'));
      checkDict(msg.extra, at(t, 'extra'));
      return;
    case 'ERROR': {
      const rt = checkId(msg.requestType, at(t, 'requestType'));
      if (messageTypeName(rt) === undefined) {
        throw violation(at(t, 'requestType'), `unknown request type ${rt}`);
      }
      checkId(msg.request, at(t, 'request'));
      dictField(msg, t, 'details');
      checkUri(msg.error, at(t, 'error'));
      checkPayload(msg, t);
      return;
    }
    case 'PUBLISH':
      checkId(msg.request, at(t, 'request'));
      dictField(msg, t, 'options');
      checkUri(msg.topic, at(t, 'topic'));
      checkPayload(msg, t);
      return;
    case 'SUBSCRIBE':
    case 'REGISTER': {
      checkId(msg.request, at(t, 'request'));
      dictField(msg, t, 'options');
      const target = msg.type === 'SUBSCRIBE' ? msg.topic : msg.procedure;
      checkUri(
        target,
        at(t, msg.type === 'SUBSCRIBE' ? 'topic' : 'procedure'),
        matchOf(msg.options),
      );
      return;
    }
    case 'PUBLISHED':
      checkId(msg.request, at(t, 'request'));
      checkId(msg.publication, at(t, 'publication'));
      return;
    case 'SUBSCRIBED':
    case 'UNSUBSCRIBE':
      checkId(msg.request, at(t, 'request'));
      checkId(msg.subscription, at(t, 'subscription'));
      return;
    case 'UNSUBSCRIBED':
    case 'UNREGISTERED':
      checkId(msg.request, at(t, 'request'));
      if (msg.details !== undefined) dictField(msg, t, 'details');
      return;
    case 'EVENT':
      checkId(msg.subscription, at(t, 'subscription'));
      checkId(msg.publication, at(t, 'publication'));
      dictField(msg, t, 'details');
      checkPayload(msg, t);
      return;
    case 'EVENT_RECEIVED':
      checkId(msg.publication, at(t, 'publication'));
      return;
    case 'CALL':
      checkId(msg.request, at(t, 'request'));
      dictField(msg, t, 'options');
      checkUri(msg.procedure, at(t, 'procedure'));
      checkPayload(msg, t);
      return;
    case 'CANCEL':
    case 'INTERRUPT':
      checkId(msg.request, at(t, 'request'));
      dictField(msg, t, 'options');
      return;
    case 'RESULT':
      checkId(msg.request, at(t, 'request'));
      dictField(msg, t, 'details');
      checkPayload(msg, t);
      return;
    case 'REGISTERED':
    case 'UNREGISTER':
      checkId(msg.request, at(t, 'request'));
      checkId(msg.registration, at(t, 'registration'));
      return;
    case 'INVOCATION':
      checkId(msg.request, at(t, 'request'));
      checkId(msg.registration, at(t, 'registration'));
      dictField(msg, t, 'details');
      checkPayload(msg, t);
      return;
    case 'YIELD':
      checkId(msg.request, at(t, 'request'));
      dictField(msg, t, 'options');
      checkPayload(msg, t);
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
