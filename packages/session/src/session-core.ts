/**
 * What every part of a session shares (spec wamp.md "Sessions", "Protocol Errors";
 * rfc/session-state-machine.md): the state, the link, session-scope request ids, the table of
 * pending requests, the send gate, and the ways a session ends: GOODBYE (`leave`, transitions
 * 13-15), ABORT (protocol violations, failed authentication) or the transport going away. The
 * role modules (roles/*.ts) work on this object, so the public Session shows only its API.
 *
 * A request takes its id when its message is sent, not when it is made: session-scope ids must
 * reach the router in sequence (spec wamp.md "IDs"; a gap is a protocol violation), and a call
 * or publication may wait in the send gate, or be withdrawn from it, while others go out.
 */
import type { Dict, WampMessage } from '@wampkit/serializers';
import {
  ApplicationError,
  type CloseInfo,
  FeatureNotSupportedError,
  InvalidStateError,
  LimitExceededError,
  ProtocolViolationError,
  SessionClosedError,
  TimeoutError,
} from './errors.js';
import { routerHasFeature } from './features.js';
import type { RequestIdSequence } from './ids.js';
import { type Pending, PendingRequests, type PendingSimple } from './pending-requests.js';
import { RenewingMap } from './renewing-map.js';
import { SendGate } from './send-gate.js';
import {
  DEFAULT_LEAVE_TIMEOUT,
  DEFAULT_MAX_PENDING_REQUESTS,
  DEFAULT_MAX_SEND_QUEUE_BYTES,
  type SessionLink,
  type SessionOptions,
  type SessionState,
} from './session-options.js';

/** Runs once when the session ends, after pending requests were rejected with `error`. */
export type CloseHook = (error: SessionClosedError, info: CloseInfo) => void;

function defaultHandlerError(error: unknown, context: string): void {
  console.error(`wampkit: error in ${context}:`, error);
}

export class SessionCore {
  state: SessionState = 'idle';
  readonly pending = new PendingRequests();
  /** Calls and publications waiting for room in the send queue. */
  readonly gate: SendGate;
  /** Resolves once, when the session has ended (never rejects). */
  readonly closed: Promise<CloseInfo>;
  private closeInfo: CloseInfo | undefined;
  private resolveClosed!: (info: CloseInfo) => void;
  private linkClosed = false;
  private leaveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly closeHooks: CloseHook[] = [];
  /** Requests admitted but not sent yet (waiting for room, or a CallWriter before its first
   * chunk), with how to fail each: they count against maxPendingRequests. Created with the
   * first one (most sessions never wait for room). */
  private unsent: RenewingMap<object, (error: Error) => void> | null = null;

  constructor(
    readonly link: SessionLink,
    readonly options: SessionOptions,
    private readonly requestIds: RequestIdSequence,
    /** Holds WELCOME.Details once joined (the public Session). */
    private readonly welcome: { readonly details: Dict },
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    const maxPending = options.maxPendingRequests ?? DEFAULT_MAX_PENDING_REQUESTS;
    this.gate = new SendGate(
      () => link.bufferedAmount ?? 0,
      options.maxSendQueueBytes ?? DEFAULT_MAX_SEND_QUEUE_BYTES,
      options.sendQueueOverflow ?? 'wait',
      maxPending,
    );
  }

  /** Whether the router announced WELCOME.Details.roles.<role>.features.<feature>. */
  routerFeature(role: 'broker' | 'dealer', feature: string): boolean {
    return routerHasFeature(this.welcome.details, role, feature);
  }

  /** Throws FeatureNotSupportedError when the joined router does not announce `feature`. */
  requireRouterFeature(role: 'broker' | 'dealer', feature: string): void {
    if (this.state === 'established' && !this.routerFeature(role, feature)) {
      throw new FeatureNotSupportedError(feature, `the router does not announce ${feature}`);
    }
  }

  /** A PassThru payload needs the router's `payload_passthru_mode` (wamp-ap.md "Payload PassThru
   * Mode"). */
  requirePassthru(role: 'broker' | 'dealer', payload: Uint8Array | undefined): void {
    if (payload !== undefined) this.requireRouterFeature(role, 'payload_passthru_mode');
  }

  /** Sends one message; throws when it cannot be encoded. */
  send(msg: WampMessage): void {
    this.link.send(msg);
  }

  /** Sends a message whose loss does not matter (the transport may be closing). */
  sendQuietly(msg: WampMessage): void {
    if (this.linkClosed) return;
    try {
      this.link.send(msg);
    } catch {
      // The transport is closing; the session ends through transportClosed().
    }
  }

  closedError(): Error {
    if (this.closeInfo) return new SessionClosedError(this.closeInfo);
    return new InvalidStateError(`session is ${this.state}, not established`);
  }

  /** Requests outstanding: pending an answer, or admitted and not sent yet. */
  get outstanding(): number {
    return this.pending.size + (this.unsent?.size ?? 0);
  }

  /** Enforces the state and the outstanding-request limit for a new request. */
  checkNewRequest(): void {
    if (this.state !== 'established') throw this.closedError();
    const limit = this.options.maxPendingRequests ?? DEFAULT_MAX_PENDING_REQUESTS;
    if (this.outstanding >= limit) {
      throw new LimitExceededError(`${limit} requests are already outstanding`, limit);
    }
  }

  /** Admits a request that is sent later; `reject` fails it if the session ends first. */
  admit(owner: object, reject: (error: Error) => void): void {
    this.checkNewRequest();
    if (this.unsent === null) this.unsent = new RenewingMap();
    this.unsent.set(owner, reject);
  }

  /** Whether `owner` was admitted and neither sent nor withdrawn yet. */
  isUnsent(owner: object): boolean {
    return this.unsent?.has(owner) === true;
  }

  /** Forgets an admitted request that will not be sent (canceled, or its send failed). */
  withdraw(owner: object): void {
    this.unsent?.delete(owner);
    this.gate.withdraw(owner);
  }

  /**
   * Sends the message opening a new request under the next request id, which is taken only if
   * the send succeeds. `entry` (if any) is the pending entry that waits for the answer.
   */
  openRequest(
    owner: object | undefined,
    build: (request: number) => WampMessage,
    entry?: (request: number) => Pending,
  ): number {
    const request = this.requestIds.peek();
    const p = entry?.(request);
    if (p) this.pending.add(p);
    try {
      this.link.send(build(request));
    } catch (e) {
      if (p) this.pending.delete(request);
      throw e;
    }
    this.requestIds.next();
    if (owner) this.unsent?.delete(owner);
    return request;
  }

  /** Sends a request answered by one reply; `onReply` runs synchronously when it arrives
   * (before any later message is dispatched), its result resolves the promise. */
  request<T>(
    kind: PendingSimple['kind'],
    build: (request: number) => WampMessage,
    onReply: (reply: WampMessage) => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      try {
        this.checkNewRequest();
        this.openRequest(undefined, build, (request) => ({
          kind,
          request,
          resolve: (reply) => {
            try {
              resolve(onReply(reply));
            } catch (e) {
              reject(e);
            }
          },
          reject,
        }));
      } catch (e) {
        reject(e);
      }
    });
  }

  /** UNSUBSCRIBE/UNREGISTER: `forget` runs on the reply, and on the router's `goneUri` ERROR too
   * (the subscription or registration is gone either way). */
  release(
    kind: 'unsubscribe' | 'unregister',
    build: (request: number) => WampMessage,
    forget: () => void,
    goneUri: string,
  ): Promise<void> {
    return this.request(kind, build, forget).catch((e: unknown) => {
      forget();
      if (!(e instanceof ApplicationError && e.uri === goneUri)) throw e;
    });
  }

  reportHandlerError(error: unknown, context: string): void {
    (this.options.onHandlerError ?? defaultHandlerError)(error, context);
  }

  onClose(hook: CloseHook): void {
    this.closeHooks.push(hook);
  }

  /** GOODBYE (spec wamp.md "GOODBYE"): waits for the router's reply, at most `leaveTimeout`. */
  leave(reason: string, message: string | undefined): Promise<CloseInfo> {
    const details: Dict = message === undefined ? {} : { message };
    if (this.state === 'established') {
      this.state = 'shutting-down';
      this.sendQuietly({ type: 'GOODBYE', details, reason });
      // Requests can no longer complete (transition 14: other messages are ignored).
      this.failOutstanding(
        new SessionClosedError(
          { reason, details, initiator: 'local', clean: true },
          `session is leaving (${reason})`,
        ),
      );
      const timeout = this.options.leaveTimeout ?? DEFAULT_LEAVE_TIMEOUT;
      this.leaveTimer = setTimeout(() => {
        this.finish({
          reason,
          details,
          initiator: 'local',
          clean: false,
          error: new TimeoutError(`no GOODBYE reply within ${timeout} ms`),
        });
      }, timeout);
    } else if (this.state === 'establishing' || this.state === 'idle') {
      if (this.state === 'establishing') {
        this.sendQuietly({ type: 'ABORT', details, reason });
      }
      this.finish({ reason, details, initiator: 'local', clean: false });
    }
    return this.closed;
  }

  /** The transport closed (or was lost). */
  transportClosed(error?: Error): void {
    this.linkClosed = true;
    if (this.state === 'closed') return;
    const info: CloseInfo = {
      reason: 'wamp.close.transport_lost',
      details: {},
      initiator: 'transport',
      clean: false,
    };
    if (error) info.error = error;
    this.finish(info);
  }

  /** Aborts with `wamp.error.protocol_violation` (spec wamp.md "Protocol Errors"). */
  violation(message: string, cause?: Error): void {
    this.abort(
      'wamp.error.protocol_violation',
      message,
      cause ?? new ProtocolViolationError(message),
    );
  }

  /** Sends ABORT and ends the session (spec wamp.md "ABORT"). */
  abort(reason: string, message: string, error?: Error): void {
    if (this.state === 'closed') return;
    const details = { message };
    this.sendQuietly({ type: 'ABORT', details, reason });
    const info: CloseInfo = { reason, details, initiator: 'local', clean: false };
    if (error) info.error = error;
    this.finish(info);
  }

  /** Ends the session: everything pending fails, the roles drop their state, the link closes. */
  finish(info: CloseInfo): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeInfo = info;
    if (this.leaveTimer !== undefined) clearTimeout(this.leaveTimer);
    const error = new SessionClosedError(info);
    this.failOutstanding(error);
    for (const hook of this.closeHooks) hook(error, info);
    if (!this.linkClosed) {
      this.linkClosed = true;
      try {
        this.link.close();
      } catch {
        // The transport is already gone.
      }
    }
    this.resolveClosed(info);
  }

  /** Rejects every pending request and every admitted one not sent yet. */
  failOutstanding(error: Error): void {
    this.gate.clear();
    const unsent = this.unsent ? [...this.unsent.values()] : [];
    this.unsent?.clear();
    this.pending.rejectAll(error);
    for (const reject of unsent) reject(error);
  }
}
