/**
 * Scripted message exchanges for the sans-IO session: the test plays the router, feeding
 * messages to `receive()` and reading what the session sent. Every outgoing message goes through
 * the JSON serializer (encode + decode), so an invalid message fails the test.
 */
import { jsonSerializer, MAX_ID, type WampMessage } from '@wampkit/serializers';
import { RequestIdSequence, Session, type SessionOptions } from '../src/index.js';

export const ROUTER_ROLES = {
  dealer: {
    features: {
      progressive_call_results: true,
      progressive_call_invocations: true,
      call_canceling: true,
      call_timeout: true,
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
      registration_revocation: true,
      payload_passthru_mode: true,
    },
  },
  broker: {
    features: {
      publisher_identification: true,
      publisher_exclusion: true,
      subscriber_blackwhite_listing: true,
      pattern_based_subscription: true,
      subscription_revocation: true,
      event_retention: true,
      payload_passthru_mode: true,
    },
  },
};

export interface Harness {
  session: Session;
  sent: WampMessage[];
  closedLink: () => boolean;
  /** Removes and returns the oldest sent message, asserting its type. */
  take<T extends WampMessage['type']>(type: T): Extract<WampMessage, { type: T }>;
  /** Feeds a router message. */
  feed(msg: WampMessage): void;
  /** Lets pending promise callbacks run. */
  flush(): Promise<void>;
}

export function harness(
  options: Partial<SessionOptions> = {},
  ids: RequestIdSequence = new RequestIdSequence(),
): Harness {
  const sent: WampMessage[] = [];
  let closed = false;
  const session = new Session(
    {
      send(msg) {
        const wire = jsonSerializer.serialize(msg);
        sent.push(jsonSerializer.unserialize(wire));
      },
      close() {
        closed = true;
      },
    },
    { realm: 'realm1', onHandlerError: () => {}, ...options },
    ids,
  );
  return {
    session,
    sent,
    closedLink: () => closed,
    take(type) {
      const m = sent.shift();
      if (!m) throw new Error(`expected ${type}, nothing was sent`);
      if (m.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(m)}`);
      return m as never;
    },
    feed: (msg) => session.receive(msg),
    flush: () => new Promise((r) => setTimeout(r, 0)),
  };
}

/** A harness whose session has joined (HELLO answered by WELCOME). */
export async function joined(
  options: Partial<SessionOptions> = {},
  welcomeDetails: Record<string, unknown> = { roles: ROUTER_ROLES },
  ids?: RequestIdSequence,
): Promise<Harness> {
  const h = harness(options, ids);
  const p = h.session.join();
  h.take('HELLO');
  h.feed({ type: 'WELCOME', session: 4242, details: welcomeDetails });
  await p;
  return h;
}

/** Tracks whether a promise settled; `result` never counts as an unhandled rejection. */
export function watch<T>(p: Promise<T>): { settled: () => boolean; result: Promise<T> } {
  let done = false;
  const result = p.finally(() => {
    done = true;
  });
  result.catch(() => {});
  return { settled: () => done, result };
}

export { MAX_ID };
