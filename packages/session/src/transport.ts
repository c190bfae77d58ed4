/**
 * The transport interface a session runs over (modelled on nats.js `Transport`): a
 * message-oriented, bidirectional channel with its negotiated serializer. Transports own the
 * sockets; `attachSession` wires one to a sans-IO Session through a bounded send queue
 * (send-queue.ts): a transport whose `send()` returns false holds back further messages until
 * its `ondrain`, and the session then makes calls and publications wait (DESIGN.md principle 7).
 */
import { ProtocolViolationError, type Serializer, type WampMessage } from '@wampkit/serializers';
import { SendQueue } from './send-queue.js';
import { type Session, Session as SessionClass } from './session.js';
import type { SessionOptions } from './session-options.js';

export interface TransportCloseEvent {
  code: number;
  reason: string;
  wasClean: boolean;
  error?: Error;
}

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
  onmessage: ((data: Uint8Array | string) => void) | null;
  onclose: ((event: TransportCloseEvent) => void) | null;
  /** Set by `attachSession`: called when the buffer is below its high-water mark again after
   * `send()` returned false. Transports that never return false may ignore it. */
  ondrain?: (() => void) | null;
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

/** Joins a realm over a transport: HELLO, then WELCOME (or a typed error). */
export function joinSession(
  transport: Transport,
  options: SessionOptions & { signal?: AbortSignal },
): Promise<Session> {
  const session = attachSession(transport, options);
  const signal = options.signal;
  if (!signal) return session.join();
  if (signal.aborted) {
    transport.close(1000, 'aborted');
    return Promise.reject(signal.reason);
  }
  const onAbort = () => void session.leave('wamp.close.canceled');
  signal.addEventListener('abort', onAbort, { once: true });
  return session.join().finally(() => signal.removeEventListener('abort', onAbort));
}
