/**
 * Backpressure of the Node adapter: `send` returns false above the socket's high-water mark and
 * 'drain' follows once the buffer empties, also when the bytes went to the kernel in one flush
 * (where the socket itself never emits 'drain').
 */
import { connect, WebSocketServer } from '@wampkit/framing/node';
import { afterEach, describe, expect, it } from 'vitest';

let server: WebSocketServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

describe('send backpressure', () => {
  it('returns false past the high-water mark and emits drain afterwards', async () => {
    server = new WebSocketServer({ maxMessageSize: 64 * 1024 * 1024 });
    let received = 0;
    server.on('connection', (ws) =>
      ws.on('message', (d) => {
        received += (d as Uint8Array).length;
      }),
    );
    const port = await server.listen(0);
    const ws = await connect(`ws://127.0.0.1:${port}/`);
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    let full = false;
    while (!full && sent < 64) {
      full = !ws.send(chunk);
      sent++;
    }
    expect(full).toBe(true);
    await new Promise<void>((resolve) => ws.once('drain', resolve));
    expect(ws.bufferedAmount).toBeLessThan(16 * 1024 * 1024);
    ws.close(1000);
    await ws.closed();
    expect(received).toBe(sent * chunk.length);
  });

  it('emits drain when one small send over the mark is flushed straight to the kernel', async () => {
    server = new WebSocketServer();
    const port = await server.listen(0);
    const ws = await connect(`ws://127.0.0.1:${port}/`);
    // A single message larger than the 16 KiB high-water mark is "full" until flushed.
    const ok = ws.send(new Uint8Array(20 * 1024));
    expect(ok).toBe(false);
    await new Promise<void>((resolve) => ws.once('drain', resolve));
    ws.close(1000);
    await ws.closed();
  });
});
