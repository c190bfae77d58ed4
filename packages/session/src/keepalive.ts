/**
 * Keepalive: detecting a dead connection within a configured time. A connection whose peer
 * vanished without closing (a cable pulled, a frozen process, a NAT that dropped the flow)
 * otherwise looks open for as long as the OS keeps retransmitting, and calls on it would wait.
 *
 * - `startHeartbeat`: the transport-level loop (WebSocket PING/PONG, RFC 6455 §5.5.2-3, in
 *   Node; RawSocket PING/PONG has its own in @wampkit/transport-rawsocket): a probe every
 *   `interval`, and the transport fails if it is not answered within `timeout`.
 * - `startSessionProbe`: a WAMP-level probe for transports that cannot ping (browsers do not
 *   expose WebSocket ping): a cheap call every `interval`; any answer, RESULT or ERROR, proves the
 *   router alive. Without one within `timeout` the transport is aborted with
 *   KeepaliveTimeoutError, which fails every pending request and lets a Component reconnect.
 *
 * So a dead connection is detected at most `interval + timeout` ms after its last sign of life.
 */
import { ApplicationError } from './errors.js';
import type { Session } from './session.js';
import type { Transport } from './transport.js';
import { KeepaliveTimeoutError } from './transport-errors.js';

/** How often a keepalive probes and how long it waits for the answer. */
export interface KeepaliveOptions {
  /** Probe every this many ms (0 or less: off). */
  interval: number;
  /** A probe not answered within this many ms fails the transport. Default: `interval`. */
  timeout?: number;
}

/** Options of the WAMP-level probe (startSessionProbe). */
export interface SessionProbeOptions extends KeepaliveOptions {
  /** Procedure the WAMP probe calls. Default `wamp.session.count` (meta-API; an ERROR answer,
   * e.g. not authorized, counts as alive too). */
  procedure?: string;
}

export interface Heartbeat {
  /** The peer answered the outstanding probe. */
  pong(): void;
  stop(): void;
}

type Timer = ReturnType<typeof setTimeout>;

/** Timers must not keep a Node process alive (no-op in browsers, where timers are numbers). */
function unref(timer: Timer): Timer {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * Calls `ping()` every `interval` ms while no probe is outstanding; if `pong()` does not follow
 * within `timeout` ms, calls `onTimeout(error)` once and stops.
 */
export function startHeartbeat(
  options: KeepaliveOptions & {
    ping(): void;
    onTimeout(error: KeepaliveTimeoutError): void;
    /** What is probed, for the error message (e.g. "WebSocket PONG"). */
    what?: string;
  },
): Heartbeat {
  const interval = options.interval;
  const timeout = options.timeout ?? interval;
  let deadline: Timer | undefined;
  let stopped = interval <= 0;
  const stop = () => {
    stopped = true;
    if (ticker !== undefined) clearInterval(ticker);
    if (deadline !== undefined) clearTimeout(deadline);
    deadline = undefined;
  };
  const ticker = stopped
    ? undefined
    : unref(
        setInterval(() => {
          if (stopped || deadline !== undefined) return;
          deadline = unref(
            setTimeout(() => {
              stop();
              options.onTimeout(
                new KeepaliveTimeoutError(
                  `no ${options.what ?? 'keepalive answer'} within ${timeout} ms; the peer is unreachable`,
                ),
              );
            }, timeout),
          );
          options.ping();
        }, interval),
      );
  return {
    pong() {
      if (deadline !== undefined) clearTimeout(deadline);
      deadline = undefined;
    },
    stop,
  };
}

/** Fails a transport with `error`: at once when it can, through a close otherwise. */
export function failTransport(transport: Transport, error: Error): void {
  if (transport.abort) transport.abort(error);
  else transport.close(4000, error.message);
}

/**
 * Runs a WAMP-level liveness probe on a joined session until it closes (see the module comment).
 * Returns a function that stops it.
 */
export function startSessionProbe(
  session: Session,
  transport: Transport,
  options: SessionProbeOptions,
): () => void {
  const procedure = options.procedure ?? 'wamp.session.count';
  const heartbeat = startHeartbeat({
    interval: options.interval,
    timeout: options.timeout ?? options.interval,
    what: `answer to the WAMP keepalive probe (${procedure})`,
    ping() {
      if (!session.isOpen) return;
      session.call(procedure).then(
        () => heartbeat.pong(),
        (e: unknown) => {
          // An ERROR reply proves the router alive; a closed session ends the probe. A local
          // refusal (too many requests outstanding) proves nothing: the deadline stays.
          if (e instanceof ApplicationError) heartbeat.pong();
          else if (!session.isOpen) heartbeat.stop();
        },
      );
    },
    onTimeout(error) {
      if (session.state !== 'closed') failTransport(transport, error);
    },
  });
  void session.closed.then(() => heartbeat.stop());
  return () => heartbeat.stop();
}
