/**
 * The Callee role: REGISTER/UNREGISTER, INVOCATION answered by YIELD or ERROR, INTERRUPT (spec
 * wamp.md "Registering and Unregistering", "Calling and Invocations"; wamp-ap.md "Pattern-based
 * Registration", "Shared Registration", "Registration Revocation", "Progressive Call Results",
 * "Progressive Call Invocations", "Call Canceling", "Caller Identification").
 *
 * A handler runs per INVOCATION, at most `concurrency` at once per registration (the rest wait
 * in a bounded queue, then ERROR `wamp.error.unavailable`). What it returns, throws or yields
 * becomes the final YIELD, an ERROR, or progressive YIELDs. Continuations of a progressive call
 * invocation (same request id) feed the running invocation's chunk buffer.
 */
import {
  type Dict,
  type InvocationMessage,
  ProtocolViolationError,
  SerializationError,
  type WampMessage,
} from '@wampkit/serializers';
import { ApplicationError, CanceledError, LimitExceededError } from '../errors.js';
import { RecentIds } from '../recent-ids.js';
import {
  Invocation,
  type InvocationChunk,
  type InvocationControl,
  type InvocationHandler,
  Registration,
  type RegistrationOwner,
} from '../registration.js';
import { RenewingMap } from '../renewing-map.js';
import { Result } from '../result.js';
import type { SessionCore } from '../session-core.js';
import type { RegisterOptions } from '../types.js';
import {
  type ErrorReply,
  invocationError,
  registerOptions,
  revocationOf,
  yieldMessage,
} from '../wire.js';

interface RegistrationEntry {
  reg: Registration;
  handler: InvocationHandler<never, never>;
  options: RegisterOptions;
  running: number;
  queued: Invocation<never, never>[];
}

/** An invocation from INVOCATION to its answer; it is its Invocation's control. */
class RunningInvocation implements InvocationControl {
  inv: Invocation<never, never>;
  started = false;
  finished = false;
  /** In `Callee.invocations` (only while it can still get INTERRUPT or chunks: queued, or its
   * handler's result is awaited). */
  tracked = false;

  constructor(
    private readonly callee: Callee,
    readonly entry: RegistrationEntry,
    msg: InvocationMessage,
  ) {
    this.inv = new Invocation<never, never>(this, {
      request: msg.request,
      registration: msg.registration,
      procedure: entry.reg.procedure,
      details: msg.details,
      args: (msg.args ?? []) as never,
      kwargs: (msg.kwargs ?? {}) as never,
      payload: msg.payload,
      chunkBufferSize: entry.options.chunkBufferSize ?? 1000,
    });
  }

  sendProgress(result: Result | undefined): boolean {
    return this.callee.sendProgress(this, result);
  }
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** A handler's return value as a Result: `undefined` is no arguments, a value `v` is `[v]`. */
function toResult(v: unknown): Result {
  if (v instanceof Result) return v;
  if (v === undefined) return new Result();
  return new Result([v]);
}

/** What a handler threw, as the ERROR for its INVOCATION. */
function errorReply(running: RunningInvocation, err: unknown): ErrorReply {
  if (err instanceof ApplicationError) {
    const r: ErrorReply = { error: err.uri };
    if (err.payload !== undefined) r.payload = err.payload;
    else {
      if (err.args.length > 0 || Object.keys(err.kwargs).length > 0) r.args = err.args;
      if (Object.keys(err.kwargs).length > 0) r.kwargs = err.kwargs;
    }
    return r;
  }
  if (running.inv.aborted) return { error: 'wamp.error.canceled' };
  // Never put a stack trace on the wire: only the message of a non-application error.
  const message = err instanceof Error ? err.message : String(err);
  return { error: 'wamp.error.runtime_error', args: [message] };
}

export class Callee {
  private readonly registrations = new Map<number, RegistrationEntry>();
  /** Recently unregistered: an INVOCATION that raced the UNREGISTER gets an ERROR. */
  private readonly pastRegistrations = new RecentIds(4096);
  /** Churned by every asynchronous answer: renewed now and then (see renewing-map.ts). */
  private readonly invocations = new RenewingMap<number, RunningInvocation>();
  /** Invocations answered recently: a late progressive continuation for one is dropped. */
  private readonly finishedInvocations = new RecentIds(1024);

  constructor(
    private readonly core: SessionCore,
    /** The handles' owner (the public Session). */
    private readonly owner: RegistrationOwner,
  ) {
    core.onClose((error) => {
      for (const entry of this.registrations.values()) entry.reg.stop();
      this.registrations.clear();
      for (const running of this.invocations.values()) {
        running.finished = true;
        running.inv.abort(error);
        running.inv.failChunks(error);
      }
      this.invocations.clear();
    });
  }

  register<A extends unknown[], K extends Dict>(
    procedure: string,
    handler: InvocationHandler<A, K>,
    options: RegisterOptions,
  ): Promise<Registration> {
    const match = options.match ?? 'exact';
    const o = registerOptions(options, match);
    return this.core.request(
      'register',
      (request) => ({ type: 'REGISTER', request, options: o, procedure }),
      (reply) => {
        // Runs synchronously on REGISTERED: an INVOCATION may follow in the same read.
        const id = (reply as { registration: number }).registration;
        if (this.registrations.has(id)) {
          // A router must not hand out one registration id twice to a session.
          this.core.violation(
            `received REGISTERED with registration ${id}, which is already registered`,
          );
          throw this.core.closedError();
        }
        const reg = new Registration(this.owner, id, procedure, match);
        this.registrations.set(id, {
          reg,
          handler: handler as unknown as InvocationHandler<never, never>,
          options,
          running: 0,
          queued: [],
        });
        this.pastRegistrations.delete(id);
        return reg;
      },
    );
  }

  unregister(reg: Registration): Promise<void> {
    const entry = this.registrations.get(reg.id);
    if (!entry || entry.reg !== reg || !reg.active) return Promise.resolve();
    reg.stop();
    if (this.core.state !== 'established') return Promise.resolve();
    return this.core.release(
      'unregister',
      (request) => ({ type: 'UNREGISTER', request, registration: reg.id }),
      () => this.forget(reg.id),
      'wamp.error.no_such_registration',
    );
  }

  /** UNREGISTERED with request 0: the router revoked a registration. */
  onRevoked(details: Dict): void {
    const { id, info } = revocationOf('UNREGISTERED', details, 'registration');
    const entry = this.registrations.get(id);
    if (!entry) {
      if (this.pastRegistrations.has(id)) return;
      throw new ProtocolViolationError(`received revocation of unknown registration ${id}`);
    }
    this.forget(id);
    entry.reg.stop();
    entry.reg.revocation = info;
    if (entry.options.onRevoke) {
      try {
        entry.options.onRevoke(info);
      } catch (e) {
        this.core.reportHandlerError(e, `revocation handler for ${entry.reg.procedure}`);
      }
    }
  }

  onInvocation(msg: InvocationMessage): void {
    const existing = this.invocations.get(msg.request);
    if (existing) {
      this.continueInvocation(existing, msg);
      return;
    }
    if (this.finishedInvocations.has(msg.request)) return;
    const entry = this.registrations.get(msg.registration);
    if (!entry) {
      if (this.pastRegistrations.has(msg.registration)) {
        // Raced an UNREGISTER: tell the dealer so the caller does not wait.
        this.core.sendQuietly(
          invocationError(msg.request, { error: 'wamp.error.no_such_registration' }),
        );
        return;
      }
      throw new ProtocolViolationError(
        `received INVOCATION for unknown registration ${msg.registration}`,
      );
    }
    const running = new RunningInvocation(this, entry, msg);
    const limit = entry.options.concurrency;
    if (limit !== undefined && entry.running >= limit) {
      const maxQueued = entry.options.maxQueued ?? 1000;
      if (entry.queued.length >= maxQueued) {
        this.finish(running, {
          error: 'wamp.error.unavailable',
          args: [`${entry.reg.procedure}: concurrency limit reached`],
        });
        return;
      }
      this.track(running);
      entry.queued.push(running.inv);
      return;
    }
    this.run(running);
  }

  /** INTERRUPT (wamp-ap.md "Call Canceling"): the handler's signal aborts. */
  onInterrupt(request: number, options: Dict): void {
    const running = this.invocations.get(request);
    if (!running || running.finished) return; // already answered
    const mode = typeof options.mode === 'string' ? options.mode : 'kill';
    running.inv.interruptMode = mode;
    const reason = new CanceledError(`invocation interrupted by the caller (${mode})`, {
      details: options,
    });
    if (!running.started) {
      // Still waiting for a concurrency slot: answer without running it.
      const q = running.entry.queued;
      const i = q.indexOf(running.inv);
      if (i >= 0) q.splice(i, 1);
      running.inv.abort(reason);
      this.finish(running, { error: 'wamp.error.canceled' });
      return;
    }
    running.inv.abort(reason);
    running.inv.failChunks(reason);
    if (mode === 'killnowait') {
      running.finished = true;
      this.untrack(running);
      if (running.inv.progressive) this.finishedInvocations.add(request);
    }
  }

  private forget(id: number): void {
    this.registrations.delete(id);
    this.pastRegistrations.add(id);
  }

  /** A further chunk of a progressive call invocation (same request id). */
  private continueInvocation(existing: RunningInvocation, msg: InvocationMessage): void {
    const { inv } = existing;
    if (!inv.progressive || inv.chunkQueue.done) {
      throw new ProtocolViolationError(
        `received INVOCATION ${msg.request} while that invocation is already running`,
      );
    }
    const chunk: InvocationChunk<never, never> = {
      args: (msg.args ?? []) as never,
      kwargs: (msg.kwargs ?? {}) as never,
      payload: msg.payload,
      details: msg.details,
      progress: msg.details.progress === true,
    };
    if (!inv.chunkQueue.push(chunk)) {
      inv.abort(new LimitExceededError('progressive invocation chunk buffer overflow', 0));
      return;
    }
    if (!chunk.progress) inv.chunkQueue.end();
  }

  /**
   * Runs the handler. A plain return value (or a throw) is answered at once, without a
   * microtask; a promise or an async iterable is awaited. When the handler is done, the next
   * queued invocation gets the slot.
   */
  private run(first: RunningInvocation): void {
    const entry = first.entry;
    // A loop, not recursion: handlers that finish at once free their slot for the next queued.
    for (let running: RunningInvocation | undefined = first; running; ) {
      running.started = true;
      entry.running++;
      let out: unknown;
      try {
        out = entry.handler(running.inv);
      } catch (err) {
        this.finish(running, errorReply(running, err));
        running = this.nextQueued(entry);
        continue;
      }
      if (isPromiseLike(out) || (isAsyncIterable(out) && !(out instanceof Result))) {
        const awaited = running;
        this.track(awaited);
        this.complete(awaited, out)
          .then(
            (v) => this.finish(awaited, toResult(v)),
            (err: unknown) => this.finish(awaited, errorReply(awaited, err)),
          )
          .finally(() => {
            const next = this.nextQueued(entry);
            if (next) this.run(next);
          });
        return;
      }
      this.finish(running, toResult(out));
      running = this.nextQueued(entry);
    }
  }

  /** Frees a handler's slot; the queued invocation that takes it, if any. */
  private nextQueued(entry: RegistrationEntry): RunningInvocation | undefined {
    entry.running--;
    for (;;) {
      const next = entry.queued.shift();
      if (!next) return undefined;
      const r = this.invocations.get(next.request);
      if (r && !r.finished) return r;
    }
  }

  /** A handler's final value: its promise awaited; an async iterable's values are progressive
   * results and its return value the final one. */
  private async complete(running: RunningInvocation, out: unknown): Promise<unknown> {
    const value = await out;
    if (!isAsyncIterable(value) || value instanceof Result) return value;
    const it = value[Symbol.asyncIterator]();
    for (;;) {
      const step = await it.next();
      if (step.done) return step.value;
      if (running.finished) {
        await it.return?.();
        return undefined;
      }
      this.sendProgress(running, toResult(step.value));
    }
  }

  private track(running: RunningInvocation): void {
    running.tracked = true;
    this.invocations.set(running.inv.request, running);
  }

  private untrack(running: RunningInvocation): void {
    if (!running.tracked) return;
    running.tracked = false;
    if (this.invocations.get(running.inv.request) === running) {
      this.invocations.delete(running.inv.request);
    }
  }

  /** A progressive YIELD (wamp-ap.md "Progressive Call Results"); false when not sent. */
  sendProgress(running: RunningInvocation, r: Result | undefined): boolean {
    if (running.finished || !running.inv.receiveProgress || this.core.state !== 'established') {
      return false;
    }
    const msg = yieldMessage(running.inv.request, r ?? new Result(), true);
    try {
      this.core.send(msg);
      return true;
    } catch (e) {
      if (e instanceof SerializationError) throw e;
      return false;
    }
  }

  /** Answers the invocation once: the final YIELD, or an ERROR. */
  private finish(running: RunningInvocation, outcome: Result | ErrorReply): void {
    if (running.finished) return;
    running.finished = true;
    const { inv } = running;
    this.untrack(running);
    if (inv.progressive) this.finishedInvocations.add(inv.request);
    inv.endChunks();
    if (this.core.state !== 'established') return;
    // killnowait: the dealer already answered the caller and discards our reply.
    if (inv.interruptMode === 'killnowait') return;
    const msg: WampMessage =
      outcome instanceof Result
        ? yieldMessage(inv.request, outcome, false)
        : invocationError(inv.request, outcome);
    try {
      this.core.send(msg);
    } catch (e) {
      // The handler's result cannot be encoded: report a runtime error instead.
      this.core.sendQuietly(
        invocationError(inv.request, {
          error: 'wamp.error.runtime_error',
          args: [`the result of ${inv.procedure} could not be serialized`],
        }),
      );
      this.core.reportHandlerError(e, `result of ${inv.procedure}`);
    }
  }
}
