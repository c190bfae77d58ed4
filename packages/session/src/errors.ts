/**
 * Typed errors of the WAMP session (DESIGN.md principle 5). Remote WAMP errors keep their URI,
 * args, kwargs and details; local misuse and session loss are separate classes.
 */
import type { Dict } from '@wampkit/serializers';

export { ProtocolViolationError, SerializationError } from '@wampkit/serializers';

/**
 * A WAMP error with a URI: an ERROR message from the router or a callee (spec wamp.md "ERROR"),
 * or the error a callee handler throws to send one. A real `Error` subclass.
 */
export class ApplicationError<
  A extends unknown[] = unknown[],
  K extends Dict = Dict,
> extends Error {
  override name = 'ApplicationError';
  readonly uri: string;
  readonly args: A;
  readonly kwargs: K;
  readonly details: Dict;
  /** Payload PassThru mode payload (wamp-ap.md "Payload PassThru Mode"), when the error had one. */
  readonly payload: Uint8Array | undefined;

  constructor(
    uri: string,
    args?: A,
    kwargs?: K,
    options: { details?: Dict; payload?: Uint8Array; cause?: unknown; message?: string } = {},
  ) {
    const first = args?.[0];
    const text = options.message ?? (typeof first === 'string' ? `${uri}: ${first}` : uri);
    super(text, options.cause === undefined ? undefined : { cause: options.cause });
    this.uri = uri;
    this.args = args ?? ([] as unknown[] as A);
    this.kwargs = kwargs ?? ({} as K);
    this.details = options.details ?? {};
    this.payload = options.payload;
  }
}

/** The call was canceled (locally through an AbortSignal, or `wamp.error.canceled` from the router). */
export class CanceledError extends ApplicationError {
  override name = 'CanceledError';
  constructor(
    message = 'call canceled',
    options: { details?: Dict; args?: unknown[]; kwargs?: Dict; cause?: unknown } = {},
  ) {
    super('wamp.error.canceled', options.args, options.kwargs, {
      message,
      details: options.details ?? {},
      cause: options.cause,
    });
  }
}

/** The call timed out: the client-enforced timeout, or `wamp.error.timeout` from the router. */
export class TimeoutError extends ApplicationError {
  override name = 'TimeoutError';
  constructor(
    message = 'call timed out',
    options: { details?: Dict; args?: unknown[]; kwargs?: Dict; cause?: unknown } = {},
  ) {
    super('wamp.error.timeout', options.args, options.kwargs, {
      message,
      details: options.details ?? {},
      cause: options.cause,
    });
  }
}

/** Who ended a session. */
export type CloseInitiator = 'local' | 'remote' | 'transport';

/** How a session ended (GOODBYE, ABORT, or the transport going away). */
export interface CloseInfo {
  /** GOODBYE/ABORT reason URI; `wamp.close.transport_lost` when the transport closed first. */
  reason: string;
  /** Details of the GOODBYE or ABORT that ended the session (empty for a lost transport). */
  details: Dict;
  initiator: CloseInitiator;
  /** true for a completed GOODBYE exchange. */
  clean: boolean;
  /** What caused an unclean close (a protocol violation, a transport error). */
  error?: Error;
}

/**
 * The session is closed, or closed while a request was pending: every pending request rejects
 * with this error when the session ends (it never hangs). `reason` is the GOODBYE/ABORT URI.
 */
export class SessionClosedError extends Error {
  override name = 'SessionClosedError';
  readonly reason: string;
  readonly details: Dict;
  readonly initiator: CloseInitiator;

  constructor(info: CloseInfo, message?: string) {
    const text = typeof info.details.message === 'string' ? `: ${info.details.message}` : '';
    super(message ?? `session closed (${info.reason}${text})`, { cause: info.error });
    this.reason = info.reason;
    this.details = info.details;
    this.initiator = info.initiator;
  }
}

/** Local misuse: an operation that the session's current state does not allow. */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}

/** The router (or this session) did not announce a feature the operation needs. */
export class FeatureNotSupportedError extends Error {
  override name = 'FeatureNotSupportedError';
  readonly feature: string;
  constructor(feature: string, message: string) {
    super(message);
    this.feature = feature;
  }
}

/** A bounded queue or table is full (outstanding requests, an event or result buffer). */
export class LimitExceededError extends Error {
  override name = 'LimitExceededError';
  readonly limit: number;
  constructor(message: string, limit: number) {
    super(message);
    this.limit = limit;
  }
}
