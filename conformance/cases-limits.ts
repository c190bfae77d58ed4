/**
 * Category 9 (limits/performance: large messages, many fragments, chopped delivery, many
 * round trips) and 10 (auto-fragmentation): RFC 6455 §5.2 lengths, §5.4 fragmentation, §10.4
 * limits. Messages go up to 16 MiB, the engine's default maximum message size.
 */
import { type CaseContext, type CaseDef, type CustomResult, msg, normalClose } from './case.js';
import { Op } from './wire.js';

const KiB = 1024;
const MiB = 1024 * 1024;

function pattern(n: number, binary: boolean): Buffer {
  const b = Buffer.alloc(n);
  if (binary) for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  else for (let i = 0; i < n; i++) b[i] = 0x41 + ((i * 7 + (i >> 10)) % 26);
  return b;
}

const label = (n: number): string => (n >= MiB ? `${n / MiB} MiB` : `${n / KiB} KiB`);

function timeoutFor(bytes: number): number {
  return 5000 + Math.ceil(bytes / MiB) * 1000;
}

export function limitCases(): CaseDef[] {
  const out: CaseDef[] = [];
  const big = [64 * KiB, 256 * KiB, MiB, 4 * MiB, 8 * MiB, 16 * MiB];
  for (const [g, binary] of [
    [1, false],
    [2, true],
  ] as const) {
    big.forEach((n, i) => {
      const data = (): Buffer => pattern(n, binary);
      out.push({
        id: `9.${g}.${i + 1}`,
        description: `Send a ${binary ? 'binary' : 'text'} message of ${label(n)} in one frame.`,
        timeoutMs: timeoutFor(n),
        run: async (c) => {
          const payload = data();
          await (binary ? c.binary(payload) : c.text(payload));
          return echoCheck(c, payload, binary, timeoutFor(n));
        },
        close: normalClose,
      });
    });
  }
  const fragSizes = [64, 256, KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, MiB, 4 * MiB];
  for (const [g, binary] of [
    [3, false],
    [4, true],
  ] as const) {
    fragSizes.forEach((size, i) => {
      const n = 4 * MiB;
      out.push({
        id: `9.${g}.${i + 1}`,
        description: `Send a ${label(n)} ${binary ? 'binary' : 'text'} message in fragments of ${size} bytes.`,
        timeoutMs: timeoutFor(n) + 5000,
        run: async (c) => {
          const payload = pattern(n, binary);
          const frames: Buffer[] = [];
          for (let off = 0; off < n; off += size) {
            const end = Math.min(off + size, n);
            frames.push(
              c.peer.frame({
                opcode: off === 0 ? (binary ? Op.Binary : Op.Text) : Op.Continuation,
                fin: end === n,
                payload: payload.subarray(off, end),
              }),
            );
          }
          c.peer.write(Buffer.concat(frames));
          return echoCheck(c, payload, binary, timeoutFor(n) + 4000);
        },
        close: normalClose,
      });
    });
  }
  const chops = [64, 128, 256, 512, 1024, 2048];
  for (const [g, binary] of [
    [5, false],
    [6, true],
  ] as const) {
    chops.forEach((chop, i) => {
      out.push({
        id: `9.${g}.${i + 1}`,
        description: `Send a 1 MiB ${binary ? 'binary' : 'text'} message in one frame, written in chops of ${chop} bytes.`,
        timeoutMs: 15000,
        run: async (c) => {
          const payload = pattern(MiB, binary);
          const bytes = c.peer.frame({ opcode: binary ? Op.Binary : Op.Text, payload });
          for (let off = 0; off < bytes.length; off += chop)
            c.peer.write(bytes.subarray(off, off + chop));
          return echoCheck(c, payload, binary, 14000);
        },
        close: normalClose,
      });
    });
  }
  const rtSizes = [0, 16, 64, 256, KiB, 4 * KiB];
  for (const [g, binary] of [
    [7, false],
    [8, true],
  ] as const) {
    rtSizes.forEach((n, i) => {
      out.push({
        id: `9.${g}.${i + 1}`,
        description: `Send 1000 ${binary ? 'binary' : 'text'} messages of ${n} bytes one after another, each after the previous echo.`,
        timeoutMs: 20000,
        run: async (c) => {
          const payload = pattern(n, binary);
          let from = 0;
          for (let k = 0; k < 1000; k++) {
            await (binary ? c.binary(payload) : c.text(payload));
            const got = await c.nextMessage(from, 5000);
            if (got === null) return { verdict: 'FAILED', detail: `echo ${k} did not arrive` };
            const ev = got.ev;
            if (ev.kind !== 'message' || ev.binary !== binary || !ev.data.equals(payload))
              return { verdict: 'FAILED', detail: `echo ${k} differs from what was sent` };
            from = got.index + 1;
          }
          if (c.peer.events.length !== 1000)
            return {
              verdict: 'FAILED',
              detail: `unexpected extra events (${c.peer.events.length})`,
            };
          return { verdict: 'OK', detail: 'all 1000 echoes received in order' };
        },
        close: normalClose,
      });
    });
  }
  for (const [i, binary] of [
    [1, false],
    [2, true],
  ] as const) {
    out.push({
      id: `10.1.${i}`,
      description: `Send a 65536-byte ${binary ? 'binary' : 'text'} message in frames of 1300 bytes (auto-fragmented); expect it reassembled.`,
      run: async (c) => {
        const payload = pattern(65536, binary);
        const frames: Buffer[] = [];
        for (let off = 0; off < payload.length; off += 1300) {
          const end = Math.min(off + 1300, payload.length);
          frames.push(
            c.peer.frame({
              opcode: off === 0 ? (binary ? Op.Binary : Op.Text) : Op.Continuation,
              fin: end === payload.length,
              payload: payload.subarray(off, end),
            }),
          );
        }
        c.peer.write(Buffer.concat(frames));
        return undefined;
      },
      expect: { ok: [msg(pattern(65536, binary), binary)] },
      close: normalClose,
    });
  }
  return out;
}

/** Waits for the single echo of `payload`; compares without keeping a copy in the expectation. */
async function echoCheck(
  c: CaseContext,
  payload: Buffer,
  binary: boolean,
  timeoutMs: number,
): Promise<CustomResult> {
  const got = await c.nextMessage(0, timeoutMs);
  if (got === null) return { verdict: 'FAILED', detail: 'no echo arrived' };
  const ev = got.ev;
  if (got.index !== 0 || c.peer.events.length !== 1)
    return { verdict: 'FAILED', detail: 'unexpected events besides the echo' };
  if (ev.kind !== 'message' || ev.binary !== binary)
    return { verdict: 'FAILED', detail: 'echo has the wrong type' };
  if (!ev.data.equals(payload))
    return { verdict: 'FAILED', detail: `echo differs (got ${ev.data.length} bytes)` };
  return { verdict: 'OK', detail: `echo of ${payload.length} bytes matches` };
}
