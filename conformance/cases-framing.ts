/**
 * Categories 1-5: framing (RFC 6455 §5.2), ping/pong (§5.5.2-§5.5.3), reserved bits (§5.2),
 * opcodes (§5.2, §11.8) and fragmentation (§5.4).
 */
import { type CaseDef, failWith, msg, normalClose, pong, WAIT } from './case.js';
import { Op } from './wire.js';

const sizes = [0, 125, 126, 127, 128, 65535, 65536];

function category1(): CaseDef[] {
  const out: CaseDef[] = [];
  for (const [group, binary] of [
    [1, false],
    [2, true],
  ] as const) {
    const kind = binary ? 'binary' : 'text';
    const make = (n: number): Buffer =>
      binary ? Buffer.alloc(n, 0xfe) : Buffer.from('*'.repeat(n), 'ascii');
    sizes.forEach((n, i) => {
      out.push({
        id: `1.${group}.${i + 1}`,
        description: `Send a ${kind} message with a ${n}-byte payload (§5.2 length encodings).`,
        run: async (c) => {
          await (binary ? c.binary(make(n)) : c.text(make(n)));
          return undefined;
        },
        expect: { ok: [msg(make(n), binary)] },
        close: normalClose,
      });
    });
    out.push({
      id: `1.${group}.8`,
      description: `Send a ${kind} message with a 65536-byte payload written in chops of 997 bytes.`,
      run: async (c) => {
        await c.send({ opcode: binary ? Op.Binary : Op.Text, payload: make(65536), chop: 997 });
        return undefined;
      },
      expect: { ok: [msg(make(65536), binary)] },
      close: normalClose,
    });
  }
  return out;
}

function category2(): CaseDef[] {
  const bin8 = Buffer.from([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff]);
  const b125 = Buffer.alloc(125, 0xfe);
  const b126 = Buffer.alloc(126, 0xfe);
  const tenPayloads = Array.from({ length: 10 }, (_, i) => `payload-${i}`);
  return [
    {
      id: '2.1',
      description: 'Send a Ping without payload; expect a Pong without payload (§5.5.2).',
      run: async (c) => void (await c.ping()),
      expect: { ok: [pong()] },
      close: normalClose,
    },
    {
      id: '2.2',
      description: 'Send a Ping with a small text payload; expect the same Pong payload (§5.5.3).',
      run: async (c) => void (await c.ping('Hello, world!')),
      expect: { ok: [pong('Hello, world!')] },
      close: normalClose,
    },
    {
      id: '2.3',
      description: 'Send a Ping with a small binary payload.',
      run: async (c) => void (await c.ping(bin8)),
      expect: { ok: [pong(bin8)] },
      close: normalClose,
    },
    {
      id: '2.4',
      description: 'Send a Ping with a 125-byte binary payload (the control-frame maximum).',
      run: async (c) => void (await c.ping(b125)),
      expect: { ok: [pong(b125)] },
      close: normalClose,
    },
    {
      id: '2.5',
      description: 'Send a Ping with a 126-byte payload; control frames carry at most 125 (§5.5).',
      run: async (c) => void (await c.ping(b126)),
      expect: { ok: [] },
      close: failWith(1002),
    },
    {
      id: '2.6',
      description: 'Send a Ping with a 125-byte payload in 1-byte chops.',
      run: async (c) => void (await c.ping(b125, { chop: 1, delay: 0 })),
      expect: { ok: [pong(b125)] },
      close: normalClose,
    },
    {
      id: '2.7',
      description: 'Send an unsolicited Pong without payload; expect nothing (§5.5.3).',
      run: async (c) => {
        await c.pong();
        await c.sleep(WAIT / 2);
        return undefined;
      },
      expect: { ok: [] },
      close: normalClose,
    },
    {
      id: '2.8',
      description: 'Send an unsolicited Pong with a payload; expect nothing.',
      run: async (c) => {
        await c.pong('unsolicited pong payload');
        await c.sleep(WAIT / 2);
        return undefined;
      },
      expect: { ok: [] },
      close: normalClose,
    },
    {
      id: '2.9',
      description: 'Send an unsolicited Pong, then a Ping; expect one Pong for the Ping.',
      run: async (c) => {
        await c.pong('unsolicited pong payload');
        await c.ping('ping payload');
        return undefined;
      },
      expect: { ok: [pong('ping payload')] },
      close: normalClose,
    },
    {
      id: '2.10',
      description: 'Send 10 Pings; expect 10 Pongs in order (answering only the last is allowed).',
      run: async (c) => {
        for (const p of tenPayloads) await c.ping(p);
        return undefined;
      },
      expect: { ok: tenPayloads.map((p) => pong(p)), nonStrict: [[pong(tenPayloads[9]!)]] },
      close: normalClose,
    },
    {
      id: '2.11',
      description: 'Send 10 Pings in 1-byte chops; expect 10 Pongs in order.',
      run: async (c) => {
        for (const p of tenPayloads) await c.ping(p, { chop: 1 });
        return undefined;
      },
      expect: { ok: tenPayloads.map((p) => pong(p)), nonStrict: [[pong(tenPayloads[9]!)]] },
      close: normalClose,
    },
  ];
}

function category3(): CaseDef[] {
  const hello = 'Hello, world!';
  /** Text, then a frame with reserved bits, then a Ping: the echo arrives, the Ping is not answered. */
  const withEcho = (id: string, rsv: number, chop?: number): CaseDef => ({
    id,
    description: `Send a text message, then one with RSV=${rsv}${chop ? ' in chops' : ''}, then a Ping (§5.2).`,
    run: async (c) => {
      await c.text(hello);
      await c.text(hello, true, { rsv, ...(chop ? { chop } : {}) });
      await c.ping(hello);
      return undefined;
    },
    expect: { ok: [msg(hello)], nonStrict: [[]] },
    close: failWith(1002),
  });
  return [
    {
      id: '3.1',
      description: 'Send a small text message with RSV1 set and no extension negotiated.',
      run: async (c) => void (await c.text(hello, true, { rsv: 4 })),
      expect: { ok: [] },
      close: failWith(1002),
    },
    withEcho('3.2', 2),
    withEcho('3.3', 3, 1),
    withEcho('3.4', 1, 3),
    {
      id: '3.5',
      description: 'Send a small binary message with RSV=5 (RSV1|RSV3).',
      run: async (c) => void (await c.binary(Buffer.from([1, 2, 3, 4, 5]), true, { rsv: 5 })),
      expect: { ok: [] },
      close: failWith(1002),
    },
    {
      id: '3.6',
      description: 'Send a Ping with RSV=6 (RSV1|RSV2).',
      run: async (c) => void (await c.ping(hello, { rsv: 6 })),
      expect: { ok: [] },
      close: failWith(1002),
    },
    {
      id: '3.7',
      description: 'Send a Close with RSV=7.',
      run: async (c) =>
        void (await c.send({ opcode: Op.Close, payload: Buffer.from([0x03, 0xe8]), rsv: 7 })),
      expect: { ok: [] },
      close: failWith(1002),
    },
  ];
}

function category4(): CaseDef[] {
  const out: CaseDef[] = [];
  const hello = 'Hello, world!';
  const groups: Array<[number, number[]]> = [
    [1, [3, 4, 5, 6, 7]],
    [2, [11, 12, 13, 14, 15]],
  ];
  for (const [g, ops] of groups) {
    ops.forEach((op, i) => {
      const kind = g === 1 ? 'non-control' : 'control';
      const payload = i % 2 === 0 ? '' : 'reserved opcode payload';
      if (i < 2) {
        out.push({
          id: `4.${g}.${i + 1}`,
          description: `Send a frame with reserved ${kind} opcode ${op}${payload ? ' and a payload' : ''} (§5.2).`,
          run: async (c) => void (await c.send({ opcode: op, payload })),
          expect: { ok: [] },
          close: failWith(1002),
        });
      } else {
        out.push({
          id: `4.${g}.${i + 1}`,
          description: `Send a text message, then a frame with reserved ${kind} opcode ${op}, then a Ping.`,
          run: async (c) => {
            await c.text(hello);
            await c.send({ opcode: op, payload });
            await c.ping(hello);
            return undefined;
          },
          expect: { ok: [msg(hello)], nonStrict: [[]] },
          close: failWith(1002),
        });
      }
    });
  }
  return out;
}

function category5(): CaseDef[] {
  const f1 = 'fragment1';
  const f2 = 'fragment2';
  const ping = 'ping payload';
  type Mode = 'frame' | 'wait' | 'chop';
  const opts = (mode: Mode) => (mode === 'chop' ? { chop: 1 } : {});
  const pause = async (c: { sleep(ms: number): Promise<void> }, mode: Mode) => {
    if (mode === 'wait') await c.sleep(WAIT / 3);
  };
  const modeText: Record<Mode, string> = {
    frame: 'frame-wise',
    wait: 'with a pause between frames',
    chop: 'in 1-byte chops',
  };
  const modes: Mode[] = ['frame', 'wait', 'chop'];
  const out: CaseDef[] = [
    {
      id: '5.1',
      description: 'Send a Ping fragmented into 2 frames; control frames must not be fragmented.',
      run: async (c) => {
        await c.send({ opcode: Op.Ping, payload: f1, fin: false });
        await c.cont(f2, true);
        return undefined;
      },
      expect: { ok: [] },
      close: failWith(1002),
    },
    {
      id: '5.2',
      description: 'Send a Pong fragmented into 2 frames.',
      run: async (c) => {
        await c.send({ opcode: Op.Pong, payload: f1, fin: false });
        await c.cont(f2, true);
        return undefined;
      },
      expect: { ok: [] },
      close: failWith(1002),
    },
  ];
  modes.forEach((mode, i) => {
    out.push({
      id: `5.${3 + i}`,
      description: `Send a text message in 2 fragments, ${modeText[mode]} (§5.4).`,
      run: async (c) => {
        await c.text(f1, false, opts(mode));
        await pause(c, mode);
        await c.cont(f2, true, opts(mode));
        return undefined;
      },
      expect: { ok: [msg(f1 + f2)] },
      close: normalClose,
    });
  });
  modes.forEach((mode, i) => {
    out.push({
      id: `5.${6 + i}`,
      description: `Send a text message in 2 fragments with a Ping between them, ${modeText[mode]}.`,
      run: async (c) => {
        await c.text(f1, false, opts(mode));
        await pause(c, mode);
        await c.ping(ping, opts(mode));
        await pause(c, mode);
        await c.cont(f2, true, opts(mode));
        return undefined;
      },
      expect: { ok: [pong(ping), msg(f1 + f2)] },
      close: normalClose,
    });
  });
  for (const [base, fin] of [
    [9, true],
    [12, false],
  ] as const) {
    modes.forEach((mode, i) => {
      out.push({
        id: `5.${base + i}`,
        description: `Send a continuation frame with FIN=${fin} and no message started, then a text message, ${modeText[mode]}.`,
        run: async (c) => {
          await c.cont(f1, fin, opts(mode));
          await c.text('Hello, world!', true, opts(mode));
          return undefined;
        },
        expect: { ok: [] },
        close: failWith(1002),
      });
    });
  }
  out.push(
    {
      id: '5.15',
      description:
        'Send a text message in 2 fragments, then continuation FIN=false, text FIN=false, continuation FIN=true.',
      run: async (c) => {
        await c.text(f1, false);
        await c.cont(f2, true);
        await c.cont('fragment3', false);
        await c.text('fragment4', false);
        await c.cont('fragment5', true);
        return undefined;
      },
      expect: { ok: [msg(f1 + f2)], nonStrict: [[]] },
      close: failWith(1002),
    },
    {
      id: '5.16',
      description:
        'Twice: continuation FIN=false, text FIN=false, continuation FIN=true (orphan first frame).',
      run: async (c) => {
        for (let k = 0; k < 2; k++) {
          await c.cont(f1, false);
          await c.text(f2, false);
          await c.cont('fragment3', true);
        }
        return undefined;
      },
      expect: { ok: [] },
      close: failWith(1002),
    },
    {
      id: '5.17',
      description: 'Twice: continuation FIN=true, text FIN=false, continuation FIN=true.',
      run: async (c) => {
        for (let k = 0; k < 2; k++) {
          await c.cont(f1, true);
          await c.text(f2, false);
          await c.cont('fragment3', true);
        }
        return undefined;
      },
      expect: { ok: [] },
      close: failWith(1002),
    },
    {
      id: '5.18',
      description: 'Send text FIN=false, then text (not continuation) FIN=true (§5.4).',
      run: async (c) => {
        await c.text(f1, false);
        await c.text(f2, true);
        return undefined;
      },
      expect: { ok: [] },
      close: failWith(1002),
    },
  );
  for (const [id, chop] of [
    ['5.19', 0],
    ['5.20', 1],
  ] as const) {
    out.push({
      id,
      description: `Send a text message in 5 fragments with Pings after the 2nd and 4th and pauses${chop ? ', each frame in 1-byte chops' : ''}.`,
      run: async (c) => {
        const o = chop ? { chop } : {};
        await c.text('frag1', false, o);
        await c.cont('frag2', false, o);
        await c.ping('pongme 1!', o);
        await c.sleep(WAIT / 2);
        await c.cont('frag3', false, o);
        await c.cont('frag4', false, o);
        await c.ping('pongme 2!', o);
        await c.sleep(WAIT / 2);
        await c.cont('frag5', true, o);
        return undefined;
      },
      expect: { ok: [pong('pongme 1!'), pong('pongme 2!'), msg('frag1frag2frag3frag4frag5')] },
      close: normalClose,
    });
  }
  return out;
}

export function framingCases(): CaseDef[] {
  return [...category1(), ...category2(), ...category3(), ...category4(), ...category5()];
}
