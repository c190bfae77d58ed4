/**
 * Category 7: the closing handshake (RFC 6455 §5.5.1, §7.1-§7.4): behaviour after Close, Close
 * payload lengths, reasons, and status codes valid and invalid on the wire (§7.4.1-§7.4.2).
 */
import { type CaseDef, msg, normalClose } from './case.js';
import { closePayload, Op } from './wire.js';

export function closeCases(): CaseDef[] {
  const hello = 'Hello World!';
  const out: CaseDef[] = [
    {
      id: '7.1.1',
      description: 'Send a message, receive its echo, then close normally.',
      run: async (c) => void (await c.text(hello)),
      expect: { ok: [msg(hello)] },
      close: normalClose,
    },
    {
      id: '7.1.2',
      description: 'Send two Close frames; the second must be ignored (§5.5.1).',
      run: async (c) => {
        c.close(1000);
        await c.send({ opcode: Op.Close, payload: closePayload(1000), force: true });
        return undefined;
      },
      expect: { ok: [] },
      close: { closedByMe: true, codes: [1000], requireClean: false },
    },
    {
      id: '7.1.3',
      description: 'Send Close, then a Ping; no Pong may follow the Close (§5.5.1).',
      run: async (c) => {
        c.close(1000);
        await c.ping(hello, { force: true });
        return undefined;
      },
      expect: { ok: [] },
      close: { closedByMe: true, codes: [1000], requireClean: false },
    },
    {
      id: '7.1.4',
      description: 'Send Close, then a text message; it must not be echoed.',
      run: async (c) => {
        c.close(1000);
        await c.text(hello, true, { force: true });
        return undefined;
      },
      expect: { ok: [] },
      close: { closedByMe: true, codes: [1000], requireClean: false },
    },
    {
      id: '7.1.5',
      description: 'Send a text fragment, Close, then the final fragment; nothing is echoed.',
      run: async (c) => {
        await c.text('fragment1', false);
        c.close(1000);
        await c.cont('fragment2', true, { force: true });
        return undefined;
      },
      expect: { ok: [] },
      close: { closedByMe: true, codes: [1000], requireClean: false },
    },
    {
      id: '7.1.6',
      description: 'Send a 256 KiB text message, then Close, then a Ping, all at once.',
      run: async (c) => {
        const big = c.peer.frame({ opcode: Op.Text, payload: Buffer.alloc(262144, 0x42) });
        const close = c.peer.frame({ opcode: Op.Close, payload: closePayload(1000) });
        const ping = c.peer.frame({ opcode: Op.Ping, payload: Buffer.from(hello) });
        c.peer.closeSent = true;
        c.peer.closedByMe = true;
        c.peer.write(Buffer.concat([big, close, ping]));
        return undefined;
      },
      expect: { ok: [msg(Buffer.alloc(262144, 0x42))], nonStrict: [[]] },
      close: { closedByMe: true, codes: [1000], requireClean: false },
    },
    {
      id: '7.3.1',
      description: 'Send a Close with an empty payload; expect a Close back (§5.5.1).',
      run: async (c) => void c.close(null),
      expect: { ok: [] },
      close: { closedByMe: true, codes: [null, 1000], requireClean: true },
    },
    {
      id: '7.3.2',
      description: 'Send a Close with a 1-byte payload (a code needs 2 bytes).',
      run: async (c) => {
        c.peer.closeSent = true;
        c.peer.closedByMe = true;
        c.peer.write(c.peer.frame({ opcode: Op.Close, payload: Buffer.from([0x03]) }));
        return undefined;
      },
      expect: { ok: [] },
      close: { closedByMe: true, codes: [1002], requireClean: false },
    },
    {
      id: '7.3.3',
      description: 'Send a Close with code 1000 and no reason.',
      run: async (c) => void c.close(1000),
      expect: { ok: [] },
      close: normalClose,
    },
    {
      id: '7.3.4',
      description: 'Send a Close with code 1000 and a reason.',
      run: async (c) => void c.close(1000, hello),
      expect: { ok: [] },
      close: normalClose,
    },
    {
      id: '7.3.5',
      description: 'Send a Close with code 1000 and a 123-byte reason (the maximum).',
      run: async (c) => void c.close(1000, '*'.repeat(123)),
      expect: { ok: [] },
      close: normalClose,
    },
    {
      id: '7.3.6',
      description: 'Send a Close with code 1000 and a 124-byte reason (payload 126 > 125).',
      run: async (c) => void c.close(1000, '*'.repeat(124)),
      expect: { ok: [] },
      close: { closedByMe: true, codes: [1002], requireClean: false },
    },
    {
      id: '7.5.1',
      description: 'Send a Close with code 1000 and an invalid UTF-8 reason (§5.5.1, §8.1).',
      run: async (c) =>
        void c.close(1000, Buffer.from('cebae1bdb9cf83cebcceb5eda080656469746564', 'hex')),
      expect: { ok: [] },
      close: { closedByMe: true, codes: [1007], requireClean: false },
    },
  ];
  // 7.7: codes allowed on the wire; the answer echoes the code (or says 1000).
  const valid = [
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
  ];
  valid.forEach((code, i) => {
    out.push({
      id: `7.7.${i + 1}`,
      description: `Send a Close with valid code ${code} (§7.4.1-§7.4.2).`,
      run: async (c) => void c.close(code),
      expect: { ok: [] },
      close: { closedByMe: true, codes: [code, 1000], requireClean: true },
    });
  });
  // 7.9: codes never sent on the wire, or unassigned below 3000 (§7.4.1-§7.4.2).
  const invalid = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999];
  invalid.forEach((code, i) => {
    out.push({
      id: `7.9.${i + 1}`,
      description: `Send a Close with invalid code ${code}.`,
      run: async (c) => void c.close(code),
      expect: { ok: [] },
      close: { closedByMe: true, codes: [1002], requireClean: false },
    });
  });
  [5000, 65535].forEach((code, i) => {
    out.push({
      id: `7.13.${i + 1}`,
      description: `Send a Close with code ${code}, outside every defined range.`,
      run: async (c) => void c.close(code),
      expect: { ok: [] },
      close: { closedByMe: true, codes: [1002], requireClean: false },
    });
  });
  return out;
}
