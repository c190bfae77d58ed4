/**
 * Typed options <-> wire dictionaries: how the session's options become the Options of CALL,
 * PUBLISH, SUBSCRIBE, REGISTER and YIELD (spec wamp.md "Message Definitions"; wamp-ap.md
 * "Progressive Call Results", "Call Timeout", "Caller Identification", "Publisher Exclusion",
 * "Subscriber Black- and Whitelisting", "Event Retention", "Pattern-based Subscription/
 * Registration", "Shared Registration", "Payload PassThru Mode"), and how incoming payloads,
 * revocations and ERRORs become typed values.
 */
import {
  type AppPayload,
  type Dict,
  type ErrorMessage,
  MessageCode,
  ProtocolViolationError,
  type YieldMessage,
} from '@wampkit/serializers';
import { ApplicationError } from './errors.js';
import type { Result } from './result.js';
import type {
  CallOptions,
  MatchPolicy,
  PassthruOptions,
  PublishOptions,
  RegisterOptions,
  RevocationInfo,
  SubscribeOptions,
} from './types.js';

/** An ERROR answering an INVOCATION, before it is put on the wire. */
export interface ErrorReply extends AppPayload {
  error: string;
}

/** Sets an outgoing payload: the PassThru payload alone when there is one, else args/kwargs. */
export function setPayload(msg: AppPayload, from: AppPayload): void {
  if (from.payload !== undefined) msg.payload = from.payload;
  else {
    if (from.args !== undefined) msg.args = from.args;
    if (from.kwargs !== undefined) msg.kwargs = from.kwargs;
  }
}

/** Payload PassThru mode options, sent as `ppt_*`. */
export function pptOptions(ppt: PassthruOptions | undefined): Dict {
  if (!ppt) return {};
  const o: Dict = { ppt_scheme: ppt.scheme };
  if (ppt.serializer !== undefined) o.ppt_serializer = ppt.serializer;
  if (ppt.cipher !== undefined) o.ppt_cipher = ppt.cipher;
  if (ppt.keyid !== undefined) o.ppt_keyid = ppt.keyid;
  return o;
}

/** The Options/Details of an outgoing message that has none: shared, never changed. */
export const NO_OPTIONS: Dict = Object.freeze({});

/** Whether a dictionary has no entries (without allocating a key list). */
export function isEmptyDict(d: Dict): boolean {
  for (const _ in d) return false;
  return true;
}

/** CALL.Options; `progress` marks a chunk of a progressive call invocation. */
export function callOptions(
  options: CallOptions<never, never>,
  receiveProgress: boolean,
  progress: boolean,
): Dict {
  const timeout = options.timeout !== undefined && options.timeout > 0;
  if (
    !receiveProgress &&
    !progress &&
    !timeout &&
    !options.discloseMe &&
    options.extra === undefined &&
    options.ppt === undefined
  ) {
    return NO_OPTIONS; // the common plain call: no dictionary built per CALL
  }
  const o: Dict = { ...options.extra };
  if (receiveProgress) o.receive_progress = true;
  if (timeout) o.timeout = options.timeout;
  if (options.discloseMe) o.disclose_me = true;
  if (progress) o.progress = true;
  return Object.assign(o, pptOptions(options.ppt));
}

/** PUBLISH.Options of a plain acknowledged publication: shared, never changed. */
const ACKNOWLEDGE_OPTIONS: Dict = Object.freeze({ acknowledge: true });

export function publishOptions(options: PublishOptions): Dict {
  if (
    options.extra === undefined &&
    options.ppt === undefined &&
    options.excludeMe === undefined &&
    !options.exclude &&
    !options.excludeAuthid &&
    !options.excludeAuthrole &&
    !options.eligible &&
    !options.eligibleAuthid &&
    !options.eligibleAuthrole &&
    !options.discloseMe &&
    !options.retain
  ) {
    // The common publications: no dictionary built per PUBLISH.
    return options.acknowledge ? ACKNOWLEDGE_OPTIONS : NO_OPTIONS;
  }
  const o: Dict = { ...options.extra };
  if (options.acknowledge) o.acknowledge = true;
  if (options.excludeMe !== undefined) o.exclude_me = options.excludeMe;
  if (options.exclude) o.exclude = options.exclude;
  if (options.excludeAuthid) o.exclude_authid = options.excludeAuthid;
  if (options.excludeAuthrole) o.exclude_authrole = options.excludeAuthrole;
  if (options.eligible) o.eligible = options.eligible;
  if (options.eligibleAuthid) o.eligible_authid = options.eligibleAuthid;
  if (options.eligibleAuthrole) o.eligible_authrole = options.eligibleAuthrole;
  if (options.discloseMe) o.disclose_me = true;
  if (options.retain) o.retain = true;
  return Object.assign(o, pptOptions(options.ppt));
}

/** The options every SUBSCRIBE/REGISTER starts from: `extra`, and a non-default match policy. */
function matchOptions(extra: Dict | undefined, match: MatchPolicy): Dict {
  const o: Dict = { ...extra };
  if (match !== 'exact') o.match = match;
  return o;
}

export function subscribeOptions(options: SubscribeOptions, match: MatchPolicy): Dict {
  const o = matchOptions(options.extra, match);
  if (options.getRetained) o.get_retained = true;
  return o;
}

export function registerOptions(options: RegisterOptions, match: MatchPolicy): Dict {
  const o = matchOptions(options.extra, match);
  if (options.invoke !== undefined) o.invoke = options.invoke;
  if (options.concurrency !== undefined) o.concurrency = options.concurrency;
  if (options.discloseCaller) o.disclose_caller = true;
  return o;
}

/** A YIELD for a callee's (progressive or final) result. */
export function yieldMessage(request: number, r: Result, progress: boolean): YieldMessage {
  let o: Dict;
  if (!progress && r.ppt === undefined && isEmptyDict(r.options)) o = NO_OPTIONS;
  else {
    o = { ...r.options, ...pptOptions(r.ppt) };
    if (progress) o.progress = true;
  }
  const msg: YieldMessage = { type: 'YIELD', request, options: o };
  if (r.payload !== undefined) msg.payload = r.payload;
  else {
    if (r.args !== undefined) msg.args = r.args;
    if (r.kwargs !== undefined) msg.kwargs = r.kwargs;
  }
  return msg;
}

/** An ERROR answering INVOCATION `request`. */
export function invocationError(request: number, reply: ErrorReply): ErrorMessage {
  const msg: ErrorMessage = {
    type: 'ERROR',
    requestType: MessageCode.INVOCATION,
    request,
    details: {},
    error: reply.error,
  };
  setPayload(msg, reply);
  return msg;
}

/** A router's ERROR as a typed error, keeping URI, args, kwargs, details and payload. */
export function applicationError(msg: ErrorMessage): ApplicationError {
  return new ApplicationError(msg.error, msg.args, msg.kwargs, {
    details: msg.details,
    ...(msg.payload ? { payload: msg.payload } : {}),
  });
}

/**
 * The id a router-initiated UNSUBSCRIBED/UNREGISTERED (request 0) revokes (wamp-ap.md
 * "Subscription Revocation", "Registration Revocation"), and what the handle reports.
 */
export function revocationOf(
  message: 'UNSUBSCRIBED' | 'UNREGISTERED',
  details: Dict,
  key: 'subscription' | 'registration',
): { id: number; info: RevocationInfo } {
  const id = details[key];
  if (typeof id !== 'number') {
    throw new ProtocolViolationError(`received ${message} with request 0 but no details.${key}`);
  }
  const reason = typeof details.reason === 'string' ? details.reason : `wamp.error.${key}_revoked`;
  return { id, info: { reason, details } };
}
