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

export type InvocationHandler<A extends unknown[] = unknown[], K extends Dict = Dict> = (
  invocation: Invocation<A, K>,
) => HandlerReturn;

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

  unregister(): Promise<void> {
    if (!this.isActive) return this.unregistering ?? Promise.resolve();
    this.unregistering = this.owner.unregisterHandle(this);
    return this.unregistering;
  }

  /** @internal */
  stop(): void {
    this.isActive = false;
  }

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
  /** Fires on INTERRUPT (the caller canceled; reason is a CanceledError) or when the session closes. */
  readonly signal: AbortSignal;
  /** @internal */
  readonly abortController: AbortController;
  /** @internal INTERRUPT mode, once interrupted. */
  interruptMode: string | undefined;
  /** @internal */
  readonly chunkQueue: AsyncQueue<InvocationChunk<A, K>>;

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
    this.abortController = new AbortController();
    this.signal = this.abortController.signal;
    this.chunkQueue = new AsyncQueue(fields.chunkBufferSize, 'error');
    const first: InvocationChunk<A, K> = {
      args: fields.args,
      kwargs: fields.kwargs,
      details: d,
      progress: this.progressive,
    };
    if (fields.payload !== undefined) first.payload = fields.payload;
    this.chunkQueue.push(first);
    if (!this.progressive) this.chunkQueue.end();
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
