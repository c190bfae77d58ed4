/**
 * A call whose arguments are sent in chunks (wamp-ap.md "Progressive Call Invocations"): every
 * `send()` is a CALL with `progress: true` and the same request id; `end()` sends the final CALL.
 * Chunks never wait for room in the send queue (the API is synchronous); they keep their order
 * behind calls and publications that do.
 */
import type { Dict } from '@wampkit/serializers';
import { CanceledError, InvalidStateError } from '../errors.js';
import type { Session } from '../session.js';
import type { CallOptions, CallResult, CancelMode } from '../types.js';
import { type PendingCall, type ResultSink, resultSink } from './caller.js';

/** A call whose arguments go out in chunks (wamp-ap.md "Progressive Call Invocations"); made by Session.openCall(). */
export class CallWriter<A extends unknown[] = unknown[], K extends Dict = Dict> {
  /** The final result (resolves even if the callee answers before `end()`). */
  readonly result: Promise<CallResult<A, K>>;
  private readonly call: PendingCall | undefined;
  private readonly startError: unknown;
  private ended = false;

  constructor(
    private readonly session: Session,
    procedure: string,
    private readonly options: CallOptions<A, K>,
  ) {
    let sink!: ResultSink;
    this.result = new Promise<CallResult<A, K>>((resolve, reject) => {
      const report = (e: unknown, context: string) => session.reportHandlerError(e, context);
      sink = resultSink(report, procedure, options.onProgress, resolve, reject);
    });
    // The caller may only look at end()'s promise; never report this one as unhandled.
    this.result.catch(() => {});
    try {
      this.call = session.startCall(
        procedure,
        options as CallOptions<never, never>,
        sink,
        !!options.onProgress,
      );
    } catch (e) {
      this.startError = e;
      sink.reject(e as Error);
    }
  }

  /** Sends one chunk (CALL with progress: true). */
  send(args?: A | unknown[], kwargs?: K | Dict): void {
    if (!this.call) throw this.startError;
    if (this.ended) throw new InvalidStateError('the call was already ended');
    this.session.sendCall(this.call, this.options as CallOptions<never, never>, args, kwargs, true);
  }

  /** Sends the final chunk and returns the result. */
  end(args?: A | unknown[], kwargs?: K | Dict): Promise<CallResult<A, K>> {
    if (!this.call) return Promise.reject(this.startError);
    if (this.ended) return Promise.reject(new InvalidStateError('the call was already ended'));
    this.ended = true;
    try {
      this.session.sendCall(
        this.call,
        this.options as CallOptions<never, never>,
        args,
        kwargs,
        false,
      );
    } catch (e) {
      return Promise.reject(e);
    }
    return this.result;
  }

  /** Cancels the call (CANCEL with the given mode; default killnowait). */
  cancel(mode: CancelMode = 'killnowait'): void {
    if (this.call) this.session.cancelCall(this.call, mode, new CanceledError('call canceled'));
  }
}
