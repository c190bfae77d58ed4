/**
 * Node adapter over real sockets, against raw TCP peers that misbehave: a peer that never
 * answers our Close is dropped after `closeTimeout` (both roles), a server that never answers
 * the opening handshake fails `connect` after `handshakeTimeout`, and refused handshakes carry
 * their HTTP status across implementations (ws).
 */
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket as WsClient, WebSocketServer as WsServer } from 'ws';
import { acceptKey, ConnectionLostError, HandshakeError } from '../src/index.js';
import { connect, type NodeWebSocket, WebSocketServer } from '../src/node/index.js';
import { clientRequest, decodeFrames } from './peers/sansio.js';

/** A TCP server that answers the opening handshake (or not) and then only reads. */
async function silentServer(answerHandshake: boolean) {
  const received: Buffer[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((sock) => {
    sockets.push(sock);
    sock.on('error', () => {});
    let head = '';
    sock.on('data', (d: Buffer) => {
      if (head.includes('\r\n\r\n')) {
        received.push(d);
        return;
      }
      head += d.toString('latin1');
      const key = /Sec-WebSocket-Key: (\S+)/i.exec(head)?.[1];
      if (answerHandshake && key && head.includes('\r\n\r\n')) {
        sock.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
        );
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('closeTimeout', () => {
  it('our client drops a server that never answers its Close', async () => {
    const peer = await silentServer(true);
    const ws = await connect(`ws://127.0.0.1:${peer.port}/`, { closeTimeout: 300 });
    ws.on('error', () => {});
    ws.close(1000, 'bye');
    const info = await ws.closed();
    expect(info.code).toBe(1006);
    expect(info.wasClean).toBe(false);
    expect(info.error).toBeInstanceOf(ConnectionLostError);
    // The Close frame did go out, masked, with our code and reason.
    const frames = decodeFrames(Buffer.concat(peer.received));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ opcode: 8, masked: true });
    expect(Buffer.from(frames[0]!.payload).toString('latin1')).toBe('\x03\xe8bye');
    await peer.close();
  });

  it('our server drops a client that never answers its Close', async () => {
    const server = new WebSocketServer({ closeTimeout: 300 });
    const port = await server.listen(0);
    const connected = new Promise<NodeWebSocket>((resolve) => server.once('connection', resolve));
    const sock = net.connect(port, '127.0.0.1');
    sock.on('error', () => {});
    const got: Buffer[] = [];
    sock.on('data', (d: Buffer) => got.push(d));
    sock.write(clientRequest());
    const ws = await connected;
    ws.on('error', () => {});
    ws.close(4001, 'going');
    const info = await ws.closed();
    expect(info.code).toBe(1006);
    expect(info.wasClean).toBe(false);
    expect(info.error).toBeInstanceOf(ConnectionLostError);
    if (sock.readyState !== 'closed') await once(sock, 'close');
    const all = Buffer.concat(got);
    const frames = decodeFrames(all.subarray(all.indexOf('\r\n\r\n') + 4));
    expect(frames).toMatchObject([{ opcode: 8, masked: false }]);
    await server.close();
  });

  it('a peer that answers in time closes cleanly', async () => {
    const server = new WebSocketServer({ closeTimeout: 5000 });
    const port = await server.listen(0);
    server.on('connection', (ws) => ws.on('error', () => {}));
    const ws = await connect(`ws://127.0.0.1:${port}/`, { closeTimeout: 5000 });
    ws.close(1000);
    const info = await ws.closed();
    expect(info).toMatchObject({ code: 1000, wasClean: true });
    await server.close();
  });
});

describe('handshake failures over sockets', () => {
  it('connect() fails after handshakeTimeout when the server never answers', async () => {
    const peer = await silentServer(false);
    await expect(
      connect(`ws://127.0.0.1:${peer.port}/`, { handshakeTimeout: 300 }),
    ).rejects.toBeInstanceOf(ConnectionLostError);
    await peer.close();
  });

  it('our server refuses with a status that ws sees', async () => {
    const server = new WebSocketServer({ onRequest: () => ({ status: 403, reason: 'Forbidden' }) });
    const port = await server.listen(0);
    const client = new WsClient(`ws://127.0.0.1:${port}/`);
    client.on('error', () => {}); // terminate() before open reports an error
    const [, res] = (await once(client, 'unexpected-response')) as [
      unknown,
      { statusCode: number },
    ];
    expect(res.statusCode).toBe(403);
    client.terminate();
    await server.close();
  });

  it('ws refusing our client gives a HandshakeError with its status', async () => {
    const wss = new WsServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, cb) => cb(false, 401, 'Unauthorized'),
    });
    await once(wss, 'listening');
    const port = (wss.address() as net.AddressInfo).port;
    const err = await connect(`ws://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandshakeError);
    expect((err as HandshakeError).status).toBe(401);
    await new Promise((r) => wss.close(r));
  });

  it('ws and our server agree on subprotocol selection', async () => {
    const server = new WebSocketServer({ protocols: ['wamp.2.msgpack', 'wamp.2.json'] });
    const port = await server.listen(0);
    server.on('connection', (ws) => ws.on('error', () => {}));
    const client = new WsClient(`ws://127.0.0.1:${port}/`, ['wamp.2.json', 'wamp.2.msgpack']);
    await once(client, 'open');
    expect(client.protocol).toBe('wamp.2.msgpack');
    client.close();
    await once(client, 'close');
    await server.close();
  });
});
