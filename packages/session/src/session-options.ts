/**
 * The session's configuration and its link to the driver: `SessionOptions` (HELLO contents,
 * authentication, timeouts and the bounds of DESIGN.md principle 7), the `SessionLink` a driver
 * provides (messages out, optional send-queue size for backpressure), and their defaults.
 */
import type { Dict, WampMessage } from '@wampkit/serializers';
import type { SendQueueOverflow } from './send-gate.js';

/** The default HELLO.Details.agent. */
export const AGENT = 'wampkit-0.1.0';

/** Messages out: the driver serializes and sends them over its transport. */
export interface SessionLink {
  /** Sends one message; throws SerializationError when it cannot be encoded. */
  send(msg: WampMessage): void;
  /** Closes the transport (after the session ended). Called once. */
  close(): void;
  /**
   * Bytes accepted by `send()` that still wait for the transport (send-side backpressure). A
   * link that has it must call `Session.transportDrained()` when it shrinks; a link without it
   * never makes calls or publications wait.
   */
  readonly bufferedAmount?: number;
}

/** A CHALLENGE from the router: the method and its extra. */
export interface Challenge {
  authMethod: string;
  extra: Dict;
}

/** The answer to a CHALLENGE: the AUTHENTICATE signature and extra. */
export interface ChallengeResponse {
  signature: string;
  extra?: Dict;
}

/** Options of a session: realm, authentication, HELLO details, timeouts and bounds. */
export interface SessionOptions {
  realm: string;
  authid?: string;
  /** HELLO.Details.authmethods, e.g. ['anonymous'] or ['ticket']. */
  authmethods?: string[];
  authextra?: Dict;
  /** Answers a CHALLENGE (spec wamp-ap.md "Authentication"); without it a CHALLENGE aborts the join. */
  onChallenge?: (challenge: Challenge) => ChallengeResponse | Promise<ChallengeResponse>;
  /**
   * Sees WELCOME.Details before the session opens (mutual authentication, e.g. the WAMP-SCRAM
   * server signature); throwing aborts with `wamp.error.cannot_authenticate` and fails the join.
   */
  onWelcome?: (details: Dict) => void | Promise<void>;
  /** HELLO.Details.agent. */
  agent?: string;
  /** Extra HELLO.Details entries. */
  helloDetails?: Dict;
  /** Default client-enforced call timeout in ms (0: none). */
  callTimeout?: number;
  /** How long `leave()` waits for the router's GOODBYE before closing the transport. Default 5000. */
  leaveTimeout?: number;
  /** Outstanding requests (calls, subscribes, ...) at once. Default 10000. */
  maxPendingRequests?: number;
  /** Errors thrown by event handlers, progress callbacks and revocation handlers. Default:
   * console.error. */
  onHandlerError?: (error: unknown, context: string) => void;
  /**
   * Bytes the outgoing queue may hold (messages serialized but not yet taken by the transport)
   * before `call`, `callProgressive` and `publish` wait for it to drain. Default 16 MiB. Replies,
   * subscribes, registers and progressive-call chunks are never held back.
   */
  maxSendQueueBytes?: number;
  /** 'wait' (default): a call or publication waits for room; 'error': it rejects at once with
   * LimitExceededError. Calls/publications waiting at once are bounded by maxPendingRequests. */
  sendQueueOverflow?: SendQueueOverflow;
}

/** Session lifecycle (spec session-state-machine.md). */
export type SessionState = 'idle' | 'establishing' | 'established' | 'shutting-down' | 'closed';

export const DEFAULT_LEAVE_TIMEOUT = 5000;
export const DEFAULT_MAX_PENDING_REQUESTS = 10_000;
export const DEFAULT_MAX_SEND_QUEUE_BYTES = 16 * 1024 * 1024;
