/**
 * Send-side backpressure over real sockets through @wampkit/router. The publisher reaches the
 * router through a TCP relay on 127.0.0.1 that the test can stop reading from, as a congested
 * network would: the kernel buffers fill, the WebSocket's buffer passes its high-water mark,
 * the session's send queue reaches `maxSendQueueBytes`, and then calls and publications wait
 * (or fail under `sendQueueOverflow: 'error'`). When the relay reads again, everything waiting
 * goes out in order and arrives at a subscriber and a callee on direct connections.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { type StartedRouter, startRouter } from '@wampkit/router';
import { jsonSerializer } from '@wampkit/serializers';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  CanceledError,
  joinSession,
  LimitExceededError,
  type Session,
  type SessionOptions,
} from '../src/index.js';
import { connectWebSocket } from '../src/transports/websocket-node.js';
import { watch } from './harness.js';

/** A TCP relay to the router whose reading from clients can be stopped and resumed. */
class StallingRelay {
  private readonly clients = new Set<Socket>();
  private stalled = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<StallingRelay> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const relay = new StallingRelay(server, address.port);
    server.on('connection', (client) => relay.relay(client, targetPort));
    return relay;
  }

  /** Stops reading what clients send (their kernel buffers, then their sockets fill up). */
  stall(): void {
    this.stalled = true;
    for (const c of this.clients) c.pause();
  }

  resume(): void {
    this.stalled = false;
    for (const c of this.clients) c.resume();
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: Socket, targetPort: number): void {
    this.clients.add(client);
    const upstream = netConnect(targetPort, '127.0.0.1');
    client.on('data', (chunk) => {
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => {
          if (!this.stalled) client.resume();
        });
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      this.clients.delete(client);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('close', end);
      s.on('error', end);
    }
    if (this.stalled) client.pause();
  }
}

const LIMIT = 256 * 1024;
const PAYLOAD = 'x'.repeat(64 * 1024);

let router: StartedRouter;
let relay: StallingRelay;
beforeAll(async () => {
  router = await startRouter({ realms: ['realm1'] });
  relay = await StallingRelay.start(router.port);
});
afterAll(async () => {
  await relay?.close();
  await router?.close();
});

async function open(port: number, options: Partial<SessionOptions> = {}): Promise<Session> {
  const url = router.url.replace(`:${router.port}`, `:${port}`);
  const transport = await connectWebSocket(url, { serializer: jsonSerializer });
  return joinSession(transport, { realm: 'realm1', ...options });
}

const nextTurn = () => new Promise((r) => setImmediate(r));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A subscriber that resolves once it has seen `count` events (set later). */
async function collector(session: Session, topic: string) {
  const got: number[] = [];
  let expected = Number.POSITIVE_INFINITY;
  let done!: () => void;
  const all = new Promise<void>((r) => {
    done = r;
  });
  await session.subscribe(topic, (e) => {
    got.push(e.args[0] as number);
    if (got.length >= expected) done();
  });
  return {
    got,
    expect(count: number): Promise<void> {
      expected = count;
      if (got.length >= count) done();
      return all;
    },
  };
}

/**
 * With the relay stalled, publishes until the session's own send queue stays at the limit: the
 * kernel buffers and the socket's are full then (while they took bytes, the transport drained
 * within its 10 ms poll). Returns the publications made and the largest queue seen.
 */
async function fillWhileStalled(pub: Session, topic: string) {
  const published: ReturnType<typeof watch<unknown>>[] = [];
  let most = 0;
  relay.stall();
  for (;;) {
    while (pub.bufferedAmount < LIMIT) {
      if (published.length >= 2000) throw new Error('the send queue never filled');
      published.push(watch(pub.publish(topic, [published.length, PAYLOAD])));
      most = Math.max(most, pub.bufferedAmount);
      await nextTurn(); // lets the socket hand bytes to the kernel while it takes them
    }
    await delay(200);
    if (pub.bufferedAmount >= LIMIT) return { published, most };
  }
}

describe('send-side backpressure through a stalled connection', () => {
  it('calls and publications wait while the send queue is full, then go out in order', async () => {
    const topic = 'com.bp.wait';
    const procedure = 'com.bp.echo';
    const peer = await open(router.port);
    const events = await collector(peer, topic);
    const invoked: unknown[] = [];
    await peer.register(procedure, (inv) => {
      invoked.push(inv.args[0]);
      return inv.args[0];
    });
    const pub = await open(relay.port, { maxSendQueueBytes: LIMIT });
    onTestFinished(() => relay.resume());

    const { published, most } = await fillWhileStalled(pub, topic);
    const firstWaiting = published.length;
    for (let k = 0; k < 8; k++) {
      published.push(watch(pub.publish(topic, [published.length, PAYLOAD])));
    }
    const abandon = new AbortController();
    const abandoned = watch(
      pub.call(procedure, ['abandoned'], undefined, { signal: abandon.signal }),
    );
    const later = watch(pub.call(procedure, ['later']));
    await delay(50); // nothing can drain while the relay does not read
    expect(published.slice(firstWaiting).some((p) => p.settled())).toBe(false);
    expect(later.settled()).toBe(false);
    // The queue stayed bounded: admitted only below the limit, so at most one message over.
    expect(most).toBeLessThan(LIMIT + PAYLOAD.length + 100);
    expect(pub.bufferedAmount).toBeLessThan(LIMIT + PAYLOAD.length + 100);
    abandon.abort();
    await expect(abandoned.result).rejects.toBeInstanceOf(CanceledError);

    relay.resume();
    await Promise.all(published.map((p) => p.result));
    await expect(later.result).resolves.toMatchObject({ args: ['later'] });
    await events.expect(published.length);
    expect(events.got).toEqual(published.map((_, i) => i));
    // The callee never saw the call abandoned while it waited.
    expect(invoked).toEqual(['later']);
    expect(pub.bufferedAmount).toBe(0);
    await Promise.all([pub.leave(), peer.leave()]);
  }, 30_000);

  it("sendQueueOverflow 'error' rejects with LimitExceededError instead of waiting", async () => {
    const topic = 'com.bp.error';
    const peer = await open(router.port);
    const events = await collector(peer, topic);
    const pub = await open(relay.port, { maxSendQueueBytes: LIMIT, sendQueueOverflow: 'error' });
    onTestFinished(() => relay.resume());

    const { published } = await fillWhileStalled(pub, topic);
    await expect(pub.publish(topic, [-1, PAYLOAD])).rejects.toBeInstanceOf(LimitExceededError);
    await expect(pub.call('com.bp.none')).rejects.toBeInstanceOf(LimitExceededError);

    relay.resume();
    await Promise.all(published.map((p) => p.result));
    await events.expect(published.length);
    expect(events.got).toEqual(published.map((_, i) => i));
    await Promise.all([pub.leave(), peer.leave()]);
  }, 30_000);
});
