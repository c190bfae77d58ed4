/**
 * A TCP relay for transport tests: clients connect to the relay, which forwards bytes to a
 * target port. `freeze()` stops forwarding on the current connections in both directions while
 * keeping their sockets open (a peer that vanished without closing: what keepalive must detect;
 * later connections are relayed normally), `cut()` resets every
 * relayed connection (a lost connection), `retarget()` points new connections elsewhere.
 */
import net from 'node:net';

export interface Relay {
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  freeze(): void;
  cut(): void;
  retarget(port: number): void;
  close(): Promise<void>;
}

export async function startRelay(targetPort: number): Promise<Relay> {
  let target = targetPort;
  const frozen = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    relay.accepted++;
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => {
        if (!frozen.has(from) && !to.destroyed) to.write(chunk);
      });
      from.on('end', () => {
        if (!frozen.has(from)) to.end();
      });
      from.on('error', () => {
        if (!frozen.has(from)) to.destroy();
      });
      from.on('close', () => {
        // A frozen pair stays (half dead) until cut(): its other side must not learn anything.
        if (frozen.has(from)) return;
        pairs.delete(pair);
        to.destroy();
      });
    };
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relay: Relay = {
    port: (server.address() as net.AddressInfo).port,
    accepted: 0,
    freeze() {
      for (const [a, b] of pairs) {
        frozen.add(a);
        frozen.add(b);
      }
    },
    cut() {
      for (const [a, b] of pairs) {
        a.resetAndDestroy();
        b.destroy();
      }
      pairs.clear();
    },
    retarget(port: number) {
      target = port;
    },
    async close() {
      relay.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return relay;
}
