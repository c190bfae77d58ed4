/** Callee side: registration handles and the Invocation object a handler receives. */
import type { Dict } from '@wampkit/serializers';
import { AsyncQueue } from './queue.js';
import type { Result } from './result.js';
import type { MatchPolicy, PayloadFields, RevocationInfo } from './types.js';

/** The session side of a registration handle. */
export interface RegistrationOwner {
  unregisterHandle(reg: Registration): Promise<void>;
}

/**
 * What a handler may return: a value (sent as `args: [value]`), `undefined` (no arguments), a
 * `Result`, a Promise of those, or an async iterable (e.g. an async generator) whose yielded
 * values are sent as progressive results and whose return value is the final result.
 */
export type HandlerReturn = unknown;

/** A callee's handler: gets the Invocation; returns a value, a Result, a Promise of those, or an async iterable of progressive results. */
export type InvocationHandler<A extends unknown[] = unknown[], K extends Dict = Dict> = (
  invocation: Invocation<A, K>,
) => HandlerReturn;

/** A procedure registered by this session (spec wamp.md "Registering and Unregistering"). */
export class Registration implements AsyncDisposable {
  readonly id: number;
  readonly procedure: string;
  readonly match: MatchPolicy;
  /** Set when the router revoked the registration (wamp-ap.md "Registration Revocation"). */
  revocation: RevocationInfo | undefined;
  private isActive = true;
  private unregistering: Promise<void> | undefined;

  constructor(
    private readonly owner: RegistrationOwner,
    id: number,
    procedure: string,
    match: MatchPolicy,
  ) {
    this.id = id;
    this.procedure = procedure;
    this.match = match;
  }

  get active(): boolean {
    return this.isActive;
  }

  /** Unregisters the procedure (UNREGISTER); resolves once the router confirmed. */
  unregister(): Promise<void> {
    if (!this.isActive) return this.unregistering ?? Promise.resolve();
    this.unregistering = this.owner.unregisterHandle(this);
    return this.unregistering;
  }

  /** @internal */
  stop(): void {
    this.isActive = false;
  }

  /** Unregisters (for `await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.unregister().catch(() => {});
  }
}

/** One chunk of a progressive call invocation (wamp-ap.md "Progressive Call Invocations"). */
export interface InvocationChunk<A extends unknown[] = unknown[], K extends Dict = Dict>
  extends PayloadFields<A, K> {
  details: Dict;
  /** false for the final chunk. */
  progress: boolean;
}

/** Session-side hooks of one invocation. */
export interface InvocationControl {
  sendProgress(result: Result | undefined): boolean;
}

/** An INVOCATION as the handler sees it. */
export class Invocation<A extends unknown[] = unknown[], K extends Dict = Dict>
  implements PayloadFields<A, K>
{
  readonly args: A;
  readonly kwargs: K;
  readonly payload: Uint8Array | undefined;
  readonly details: Dict;
  /** The procedure called: details.procedure for pattern registrations, else the registered URI. */
  readonly procedure: string;
  readonly registration: number;
  readonly request: number;
  /** Caller identification, when disclosed. */
  readonly caller: number | undefined;
  readonly callerAuthid: string | undefined;
  readonly callerAuthrole: string | undefined;
  /** The caller asked for progressive results: `progress()` and yielded values reach it. */
  readonly receiveProgress: boolean;
  /** This call arrives in chunks (progressive call invocations); read them from `chunks`. */
  readonly progressive: boolean;
  /** @internal INTERRUPT mode, once interrupted. */
  interruptMode: string | undefined;
  /** Created when the handler first reads `signal` (most never do: it costs more than the rest
   * of an invocation). */
  private controller: AbortController | undefined;
  private isAborted = false;
  private abortReason: unknown = undefined;
  /** Created when first needed: at once for a progressive call, else when `chunks` is read. */
  private queue: AsyncQueue<InvocationChunk<A, K>> | undefined;
  private readonly chunkBufferSize: number;

  constructor(
    private readonly control: InvocationControl,
    fields: {
      request: number;
      registration: number;
      procedure: string;
      details: Dict;
      args: A;
      kwargs: K;
      payload: Uint8Array | undefined;
      chunkBufferSize: number;
    },
  ) {
    const d = fields.details;
    this.request = fields.request;
    this.registration = fields.registration;
    this.details = d;
    this.args = fields.args;
    this.kwargs = fields.kwargs;
    this.payload = fields.payload;
    this.procedure = typeof d.procedure === 'string' ? d.procedure : fields.procedure;
    this.caller = typeof d.caller === 'number' ? d.caller : undefined;
    this.callerAuthid = typeof d.caller_authid === 'string' ? d.caller_authid : undefined;
    this.callerAuthrole = typeof d.caller_authrole === 'string' ? d.caller_authrole : undefined;
    this.receiveProgress = d.receive_progress === true;
    this.progressive = d.progress === true;
    this.chunkBufferSize = fields.chunkBufferSize;
    if (this.progressive) this.queue = this.newChunkQueue();
  }

  /** Fires on INTERRUPT (the caller canceled; reason is a CanceledError) or when the session closes. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** @internal Whether `signal` has aborted (without creating it). */
  get aborted(): boolean {
    return this.isAborted;
  }

  /** @internal Aborts `signal` (the first reason stays). */
  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  /** @internal The chunk buffer; a call that is not progressive holds its one chunk, ended. */
  get chunkQueue(): AsyncQueue<InvocationChunk<A, K>> {
    if (this.queue === undefined) this.queue = this.newChunkQueue();
    return this.queue;
  }

  /** @internal Ends the chunks (after the buffered ones); nothing to do for one not created. */
  endChunks(): void {
    this.queue?.end();
  }

  /** @internal Fails the chunks; a queue not created yet is already ended (not progressive). */
  failChunks(error: unknown): void {
    this.queue?.fail(error);
  }

  private newChunkQueue(): AsyncQueue<InvocationChunk<A, K>> {
    const queue = new AsyncQueue<InvocationChunk<A, K>>(this.chunkBufferSize, 'error');
    const first: InvocationChunk<A, K> = {
      args: this.args,
      kwargs: this.kwargs,
      details: this.details,
      progress: this.progressive,
    };
    if (this.payload !== undefined) first.payload = this.payload;
    queue.push(first);
    if (!this.progressive) queue.end();
    return queue;
  }

  /**
   * All chunks of the call, the first one (this invocation's args/kwargs) included; ends after
   * the final chunk. For a call that is not progressive, yields the one chunk.
   */
  get chunks(): AsyncIterable<InvocationChunk<A, K>> {
    return this.chunkQueue;
  }

  /**
   * Sends a progressive result now (wamp-ap.md "Progressive Call Results"). Returns false (and
   * sends nothing) when the caller did not ask for progress or the invocation is over.
   */
  progress(result?: Result | unknown[], kwargs?: Dict): boolean {
    return this.control.sendProgress(
      Array.isArray(result) || result === undefined
        ? ({ args: result, kwargs, payload: undefined, ppt: undefined, options: {} } as Result)
        : (result as Result),
    );
  }
}
