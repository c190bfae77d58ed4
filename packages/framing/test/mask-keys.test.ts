/**
 * Client masking keys (RFC 6455 §5.3: a fresh, unpredictable key per frame) on both send paths
 * of the engine: text encoded straight into the frame (the `textEncoding` option, as the Node
 * adapter passes it) and the generic path (binary, or text without `textEncoding`). The engine
 * refills one 4-byte buffer per frame from the random pool instead of allocating a key each time.
 */
import { describe, expect, it } from 'vitest';
import { nodeEngineOptions } from '../src/node/defaults.js';
import { openPair } from './peers/sansio.js';

/** The masking key of each frame in `bytes` (small frames: 2-byte header, then the key). */
function keysOf(bytes: Uint8Array): string[] {
  const keys: string[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const len = bytes[pos + 1]! & 0x7f;
    expect(len).toBeLessThan(126);
    expect(bytes[pos + 1]! & 0x80).toBe(0x80);
    keys.push(Buffer.from(bytes.subarray(pos + 2, pos + 6)).toString('hex'));
    pos += 6 + len;
  }
  return keys;
}

describe('client masking keys', () => {
  for (const [name, options] of [
    ['text encoded into the frame (Node textEncoding)', nodeEngineOptions],
    ['generic path', {}],
  ] as const) {
    it(`${name}: every frame has its own key and unmasks to what was sent`, () => {
      const { client, server, c, s } = openPair(options);
      const sent: Array<string | Uint8Array> = [];
      for (let i = 0; i < 300; i++) {
        const data = i % 2 === 0 ? `message ${i} é€` : new Uint8Array([i & 0xff, 1, 2, 3, 4]);
        client.send(data);
        sent.push(data);
      }
      const bytes = c.take();
      const keys = keysOf(bytes);
      expect(keys).toHaveLength(300);
      // 300 keys of 32 random bits: a repeat is (300^2 / 2^33) ~ 1e-5 likely.
      expect(new Set(keys).size).toBe(300);
      server.receiveData(bytes);
      expect(s.messages.map((m) => m.data)).toEqual(sent);
    });
  }

  it('frames handed to write() keep their key and payload while later frames are sent', () => {
    // The Node adapter queues the written buffers by reference until its flush.
    const { client, server, c, s } = openPair(nodeEngineOptions);
    c.take();
    const kept: Uint8Array[] = [];
    const write = c.write.bind(c);
    c.write = (data) => {
      kept.push(data);
      write(data);
    };
    for (let i = 0; i < 200; i++) client.send(i % 2 === 0 ? `text ${i}` : new Uint8Array([i, 7]));
    const copies = c.take();
    const joined = Buffer.concat(kept);
    expect(Buffer.from(copies).equals(joined)).toBe(true);
    server.receiveData(joined);
    expect(s.messages).toHaveLength(200);
    expect(s.messages[198]?.data).toBe('text 198');
  });
});
