/**
 * The Caller role: CALL and its RESULT or ERROR (spec wamp.md "Calling and Invocations"), with
 * the Advanced Profile's progressive call results and invocations, call canceling through an
 * AbortSignal or a CallWriter, router and client timeouts, caller identification and payload
 * passthru (wamp-ap.md "Progressive Call Results", "Progressive Call Invocations", "Call
 * Canceling", "Call Timeout", "Caller Identification", "Payload PassThru Mode").
 *
 * A call takes its request id with its first CALL. That CALL goes through the send gate:
 * while the send queue is full it waits there, and canceling the call then (signal, timeout)
 * drops it locally, since the router never saw it.
 */
import type { CallMessage, Dict, ErrorMessage, ResultMessage } from '@wampkit/serializers';
import { CanceledError, ProtocolViolationError, TimeoutError } from '../errors.js';
import { AsyncQueue } from '../queue.js';
import { RecentIds } from '../recent-ids.js';
import type { SessionCore } from '../session-core.js';
import type { CallOptions, CallResult, CancelMode, ProgressiveCallOptions } from '../types.js';
import { applicationError, callOptions } from '../wire.js';

/** Where a call's results go: a promise, an async iterator, or a CallWriter's result. */
export interface ResultSink {
  progress?(result: CallResult<never, never>): void;
  resolve(result: CallResult<never, never>): void;
  reject(error: Error): void;
}

export interface PendingCall {
  kind: 'call';
  /** 0 until the first CALL is sent. */
  request: number;
  procedure: string;
  receiveProgress: boolean;
  sink: ResultSink;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Set while a `kill` CANCEL waits for the router's answer. */
  cancelError: Error | undefined;
  cancelMode: CancelMode;
  /** Final CALL sent (a progressive invocation call stays open until `end()`). */
  complete: boolean;
  /** Rejects the call and releases its timer and signal listener (the session ended). */
  reject(error: Error): void;
}

/** A sink for a promise, with `onProgress` (if any) guarded against throwing. */
export function resultSink<A extends unknown[], K extends Dict>(
  reportHandlerError: (error: unknown, context: string) => void,
  procedure: string,
  onProgress: ((result: CallResult<A, K>) => void) | undefined,
  resolve: (result: CallResult<A, K>) => void,
  reject: (error: Error) => void,
): ResultSink {
  const sink: ResultSink = { resolve: resolve as ResultSink['resolve'], reject };
  if (onProgress) {
    sink.progress = (r) => {
      try {
        onProgress(r as unknown as CallResult<A, K>);
      } catch (e) {
        reportHandlerError(e, `progress callback of ${procedure}`);
      }
    };
  }
  return sink;
}

/** A pending call as `start` makes it (a class: one allocation, shared hidden class). */
class OpenCall implements PendingCall {
  readonly kind = 'call';
  request = 0;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  cancelError: Error | undefined = undefined;
  complete = false;

  constructor(
    readonly procedure: string,
    readonly receiveProgress: boolean,
    readonly sink: ResultSink,
    readonly signal: AbortSignal | undefined,
    public cancelMode: CancelMode,
  ) {}

  reject(error: Error): void {
    clearCallHooks(this);
    this.sink.reject(error);
  }
}

function clearTimer(p: PendingCall): void {
  if (p.timer !== undefined) {
    clearTimeout(p.timer);
    p.timer = undefined;
  }
}

function clearCallHooks(p: PendingCall): void {
  clearTimer(p);
  if (p.signal && p.onAbort) p.signal.removeEventListener('abort', p.onAbort);
  p.onAbort = undefined;
}

/** One CALL of `p` (spec wamp.md "CALL"). */
function callMessage(
  p: PendingCall,
  options: CallOptions<never, never>,
  args: unknown[] | undefined,
  kwargs: Dict | undefined,
  progress: boolean,
  request: number,
): CallMessage {
  const msg: CallMessage = {
    type: 'CALL',
    request,
    options: callOptions(options, p.receiveProgress, progress),
    procedure: p.procedure,
  };
  if (options.payload !== undefined) msg.payload = options.payload;
  else {
    if (args !== undefined) msg.args = args;
    if (kwargs !== undefined) msg.kwargs = kwargs;
  }
  return msg;
}

export class Caller {
  /** Calls canceled without waiting: their late RESULT or ERROR is dropped. */
  private readonly abandonedCalls = new RecentIds(4096);

  private readonly reportError = (e: unknown, context: string): void =>
    this.core.reportHandlerError(e, context);

  constructor(private readonly core: SessionCore) {}

  call<A extends unknown[], K extends Dict>(
    procedure: string,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
    options: CallOptions<A, K>,
  ): Promise<CallResult<A, K>> {
    return new Promise((resolve, reject) => {
      const sink = resultSink(this.reportError, procedure, options.onProgress, resolve, reject);
      try {
        // Nothing waits for room: the CALL goes out now, without a send gate entry.
        const now = this.core.gate.sendsNow(true);
        const p = this.start(procedure, options, sink, sink.progress !== undefined, !now);
        this.sendFirst(p, options, args, kwargs, now);
      } catch (e) {
        reject(e);
      }
    });
  }

  /** Progressive results as an async iterator; leaving the loop early cancels (killnowait). */
  callProgressive<A extends unknown[], K extends Dict>(
    procedure: string,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
    options: ProgressiveCallOptions<A, K>,
  ): AsyncIterableIterator<CallResult<A, K>> {
    let call: PendingCall | undefined;
    const queue = new AsyncQueue<CallResult<A, K>>(options.bufferSize ?? 1000, 'error', () => {
      if (call && this.isOpen(call)) {
        this.cancel(call, 'killnowait', new CanceledError('progressive results abandoned'));
      }
    });
    const sink: ResultSink = {
      progress: (r) => {
        if (!queue.push(r as unknown as CallResult<A, K>) && call && queue.done) {
          // Buffer overflow: the consumer cannot keep up; stop the call.
          this.cancel(call, 'killnowait', new CanceledError('progressive result buffer overflow'));
        }
      },
      resolve: (r) => {
        queue.push(r as unknown as CallResult<A, K>);
        queue.end();
      },
      reject: (e) => queue.fail(e),
    };
    try {
      const now = this.core.gate.sendsNow(true);
      call = this.start(procedure, options, sink, true, !now);
      this.sendFirst(call, options, args, kwargs, now);
    } catch (e) {
      queue.fail(e);
    }
    return queue;
  }

  /**
   * Registers a pending call with its signal and client timeout (the CALL is sent apart).
   * `admit: false` only checks that a new request may start: for a CALL sent at once, before
   * anything else runs, the call need not be known as unsent.
   */
  start(
    procedure: string,
    options: CallOptions<never, never>,
    sink: ResultSink,
    receiveProgress: boolean,
    admit = true,
  ): PendingCall {
    if (options.signal?.aborted) {
      throw new CanceledError(`call to ${procedure} was canceled before it started`, {
        cause: options.signal.reason,
      });
    }
    this.core.requirePassthru('dealer', options.payload);
    const p = new OpenCall(
      procedure,
      receiveProgress,
      sink,
      options.signal,
      options.cancelMode ?? 'killnowait',
    );
    if (admit) this.core.admit(p, (error) => p.reject(error));
    else this.core.checkNewRequest();
    if (options.signal) {
      const signal = options.signal;
      p.onAbort = () =>
        this.cancel(
          p,
          p.cancelMode,
          new CanceledError(`call to ${procedure} was canceled`, { cause: signal.reason }),
        );
      signal.addEventListener('abort', p.onAbort, { once: true });
    }
    const clientTimeout = options.clientTimeout ?? this.core.options.callTimeout ?? 0;
    if (clientTimeout > 0) {
      p.timer = setTimeout(() => {
        p.timer = undefined;
        this.cancel(
          p,
          'killnowait',
          new TimeoutError(`call to ${procedure} timed out after ${clientTimeout} ms (client)`),
        );
      }, clientTimeout);
    }
    return p;
  }

  /** Sends a CALL of a progressive invocation call (a chunk, or the final one). Never waits for
   * room, but keeps its place behind calls that do. */
  send(
    p: PendingCall,
    options: CallOptions<never, never>,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
    progress: boolean,
  ): void {
    this.core.gate.submit({
      owner: p,
      needsRoom: false,
      send: () => this.write(p, options, args, kwargs, progress),
      fail: (e) => {
        this.cancel(p, 'killnowait', e);
        p.sink.reject(e); // a final CALL that failed before any chunk left is already forgotten
      },
    });
  }

  /** Cancels a pending call (wamp-ap.md "Call Canceling"). */
  cancel(p: PendingCall, mode: CancelMode, error: Error): void {
    if (p.request === 0) {
      // Not sent yet (waiting for room, or no chunk yet): the router never saw it.
      if (!this.core.isUnsent(p)) return;
      this.core.withdraw(p);
      clearCallHooks(p);
      p.cancelError = error;
      p.sink.reject(error);
      return;
    }
    if (this.core.pending.get(p.request) !== p) return;
    this.core.gate.withdraw(p); // chunks still waiting behind other messages
    const routerCancels = this.core.routerFeature('dealer', 'call_canceling');
    if (routerCancels && this.core.state === 'established') {
      this.core.sendQuietly({ type: 'CANCEL', request: p.request, options: { mode } });
    }
    if (mode === 'kill' && routerCancels) {
      // kill: the router answers after the callee did; keep waiting for its ERROR or RESULT.
      p.cancelError = error;
      clearTimer(p);
      return;
    }
    this.settle(p);
    this.abandonedCalls.add(p.request);
    p.cancelError = error;
    p.sink.reject(error);
  }

  onResult(msg: ResultMessage): void {
    const progress = msg.details.progress === true;
    const p = this.answered('RESULT', msg.request, !progress);
    if (!p) return;
    // One literal with every field (absent args are [], absent kwargs {}): spreading a payload
    // object costs several times more per RESULT.
    const result: CallResult<never, never> = {
      args: (msg.args ?? []) as never,
      kwargs: (msg.kwargs ?? {}) as never,
      payload: msg.payload,
      details: msg.details,
      progress,
    };
    if (progress) {
      if (!p.receiveProgress) {
        throw new ProtocolViolationError(
          `received a progressive RESULT for CALL ${msg.request}, which did not ask for progress`,
        );
      }
      p.sink.progress?.(result);
      return;
    }
    this.settle(p);
    p.sink.resolve(result);
  }

  /** ERROR answering a CALL: canceled and timed-out calls get their own error classes. */
  onError(msg: ErrorMessage): void {
    const p = this.answered('ERROR', msg.request, true);
    if (!p) return;
    this.settle(p);
    const extra = { details: msg.details, args: msg.args ?? [], kwargs: msg.kwargs ?? {} };
    if (msg.error === 'wamp.error.canceled') {
      p.sink.reject(
        p.cancelError ?? new CanceledError(`call to ${p.procedure} was canceled`, extra),
      );
    } else if (msg.error === 'wamp.error.timeout') {
      p.sink.reject(new TimeoutError(`call to ${p.procedure} timed out (router)`, extra));
    } else {
      p.sink.reject(applicationError(msg));
    }
  }

  /** The first CALL of a call: waits in the send gate while the send queue is full, unless
   * `now` (the gate let it through and the call was not admitted as unsent). */
  private sendFirst(
    p: PendingCall,
    options: CallOptions<never, never>,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
    now: boolean,
  ): void {
    try {
      if (now) {
        this.open(p, options, args, kwargs, false);
        p.complete = true;
        return;
      }
      this.core.gate.submit({
        owner: p,
        needsRoom: true,
        send: () => this.write(p, options, args, kwargs, false),
        fail: (e) => p.sink.reject(e), // write() already forgot the call
      });
    } catch (e) {
      // Not sent (its CALL failed, sendQueueOverflow 'error', or too many waiting): forget it.
      this.core.withdraw(p);
      clearCallHooks(p);
      throw e;
    }
  }

  /** Puts one CALL on the link; the first one opens the request (takes its id). */
  private write(
    p: PendingCall,
    options: CallOptions<never, never>,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
    progress: boolean,
  ): void {
    if (!this.isOpen(p)) throw p.cancelError ?? this.core.closedError();
    if (p.request === 0) this.open(p, options, args, kwargs, progress);
    else {
      try {
        this.core.send(callMessage(p, options, args, kwargs, progress, p.request));
      } catch (e) {
        this.cancel(p, 'killnowait', e as Error); // a failed later chunk cancels the call
        throw e;
      }
    }
    if (!progress) p.complete = true;
  }

  /** Sends the first CALL of a call, which opens the request (takes its id). */
  private open(
    p: PendingCall,
    options: CallOptions<never, never>,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
    progress: boolean,
  ): void {
    try {
      this.core.openRequest(
        p,
        (request) => callMessage(p, options, args, kwargs, progress, request),
        (request) => {
          p.request = request;
          return p;
        },
      );
    } catch (e) {
      // Nothing reached the router: forget the call.
      p.request = 0;
      this.core.withdraw(p);
      clearCallHooks(p);
      throw e;
    }
  }

  /** Not over yet: admitted and unsent, or pending an answer. */
  private isOpen(p: PendingCall): boolean {
    return p.request === 0 ? this.core.isUnsent(p) : this.core.pending.get(p.request) === p;
  }

  /** The pending call a RESULT or ERROR answers; undefined for an abandoned call's late reply. */
  private answered(type: string, request: number, final: boolean): PendingCall | undefined {
    const p = this.core.pending.get(request);
    if (p && p.kind === 'call') return p;
    if (!p && this.abandonedCalls.has(request)) {
      if (final) this.abandonedCalls.delete(request);
      return undefined;
    }
    throw new ProtocolViolationError(`received ${type} for CALL ${request}, which is not pending`);
  }

  /** Forgets a sent call that is over (answered or canceled). */
  private settle(p: PendingCall): void {
    this.core.pending.delete(p.request);
    clearCallHooks(p);
  }
}
