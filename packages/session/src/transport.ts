/**
 * The transport interface a session runs over (modelled on nats.js `Transport`): a
 * message-oriented, bidirectional channel with its negotiated serializer. Transports own the
 * sockets; `attachSession` wires one to a sans-IO Session through a bounded send queue
 * (send-queue.ts): a transport whose `send()` returns false holds back further messages until
 * its `ondrain`, and the session then makes calls and publications wait (DESIGN.md principle 7).
 */
import {
  ProtocolViolationError,
  type Serializer,
  utf8Length,
  type WampMessage,
} from '@wampkit/serializers';
import { SendQueue } from './send-queue.js';
import { type Session, Session as SessionClass } from './session.js';
import type { SessionOptions } from './session-options.js';
import { MessageTooBigError } from './transport-errors.js';

/** How a transport closed (WebSocket close code and reason; RawSocket maps to the same). */
export interface TransportCloseEvent {
  code: number;
  reason: string;
  wasClean: boolean;
  error?: Error;
}

/** What a session needs from a transport: send serialized messages, close, and callbacks for messages, close and drain. */
export interface Transport {
  /** The serializer negotiated for this transport (WebSocket subprotocol / RawSocket id). */
  readonly serializer: Serializer;
  /**
   * Sends one serialized WAMP message (text for JSON, binary otherwise). Drops it when closed.
   * May return false when the transport's own buffer is above its high-water mark (the message
   * was still taken): it must then call `ondrain` once it has room again.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: transports written for `send(): void` still conform
  send(data: Uint8Array | string): boolean | void;
  /** Closes the transport; `onclose` fires once when it is closed. */
  close(code?: number, reason?: string): void;
  /**
   * Longest message the peer accepts, bytes (a RawSocket router's handshake limit, or a
   * configured WebSocket limit). `attachSession` refuses a longer outgoing message itself with
   * MessageTooBigError before queueing it, so the request fails instead of the connection.
   */
  readonly maxMessageLength?: number;
  /**
   * true when the transport checks the peer's liveness itself (WebSocket or RawSocket
   * PING/PONG with a timeout). Otherwise a WAMP-level probe can do it (keepalive.ts).
   */
  readonly keepalive?: boolean;
  /**
   * Fails the transport at once with `error` (a TransportError): `onclose` fires with it without
   * waiting for a closing handshake that a dead peer would never answer.
   */
  abort?(error: Error): void;
  /** Set by the session: receives each serialized WAMP message. */
  onmessage: ((data: Uint8Array | string) => void) | null;
  /** Set by the session: called once when the transport closed. */
  onclose: ((event: TransportCloseEvent) => void) | null;
  /** Set by `attachSession`: called when the buffer is below its high-water mark again after
   * `send()` returned false. Transports that never return false may ignore it. */
  ondrain?: (() => void) | null;
  /**
   * TLS channel-binding data of the connection (RFC 5929 `tls-unique`, RFC 9266 `tls-exporter`),
   * for authentication methods that bind to the channel (WAMP-SCRAM, WAMP-cryptosign). Only
   * transports over TLS in runtimes that expose it (Node) have it.
   */
  channelBinding?(): Partial<Record<'tls-unique' | 'tls-exporter', Uint8Array>> | undefined;
}

/** Creates a Session over a transport (not joined yet). */
export function attachSession(transport: Transport, options: SessionOptions): Session {
  const serializer = transport.serializer;
  let closed = false;
  const queue = new SendQueue((data) => transport.send(data));
  const session = new SessionClass(
    {
      send(msg: WampMessage): void {
        const data = serializer.serialize(msg);
        const limit = transport.maxMessageLength;
        if (limit !== undefined && limit > 0) checkLength(data, limit, msg.type);
        if (!closed) queue.push(data);
      },
      close(): void {
        if (closed) return;
        queue.flushAll();
        transport.close(1000, 'session closed');
      },
      get bufferedAmount(): number {
        return queue.bytes;
      },
    },
    options,
  );
  transport.ondrain = () => {
    queue.drain();
    session.transportDrained();
  };
  transport.onmessage = (data) => {
    let msg: WampMessage;
    try {
      msg = serializer.unserialize(data);
    } catch (e) {
      session.receiveInvalid(
        e instanceof ProtocolViolationError
          ? e
          : new ProtocolViolationError(String(e), { cause: e }),
      );
      return;
    }
    session.receive(msg);
  };
  transport.onclose = (event) => {
    closed = true;
    queue.clear();
    session.transportClosed(event.error);
  };
  return session;
}

/** Throws MessageTooBigError when a serialized message is longer than the peer accepts. */
function checkLength(data: Uint8Array | string, limit: number, type: string): void {
  let length: number;
  if (typeof data !== 'string') length = data.length;
  // UTF-8 takes at most three bytes per UTF-16 unit.
  else if (data.length * 3 <= limit) return;
  else length = utf8Length(data);
  if (length > limit) {
    throw new MessageTooBigError(
      `${type} of ${length} bytes exceeds the ${limit} bytes the peer accepts`,
      length,
      limit,
    );
  }
}

/** Joins a realm over a transport: HELLO, then WELCOME (or a typed error). */
export function joinSession(
  transport: Transport,
  options: SessionOptions & { signal?: AbortSignal },
): Promise<Session> {
  // The signal only bounds the join: the session must not keep it (nor what it references).
  const { signal, ...sessionOptions } = options;
  const session = attachSession(transport, sessionOptions);
  if (!signal) return session.join();
  if (signal.aborted) {
    transport.close(1000, 'aborted');
    return Promise.reject(signal.reason);
  }
  const onAbort = () => void session.leave('wamp.close.canceled');
  signal.addEventListener('abort', onAbort, { once: true });
  return session.join().finally(() => signal.removeEventListener('abort', onAbort));
}
