/**
 * The case model, after the Autobahn Testsuite's: a case drives the peer (`run`), lists the event
 * sequences it accepts (exactly → OK, alternatives → NON-STRICT), and says how the connection
 * must end (who starts the closing handshake, which close codes, whether it must be clean).
 */
import type { AcceptSpec, OfferSpec } from './deflate.js';
import { type PeerEvent, type RawPeer, sleep } from './peer.js';
import { type FrameSpec, Op } from './wire.js';

export type Verdict = 'OK' | 'NON-STRICT' | 'FAILED';

/** Waits where Autobahn waits one second: short, since both ends are on the loopback. */
export const WAIT = 120;

export interface CloseExpect {
  /** Whether the peer (the testsuite side) starts the closing handshake. */
  closedByMe: boolean;
  /** Close codes accepted from the implementation; null = a Close frame without code. */
  codes: Array<number | null>;
  requireClean: boolean;
}

export interface CustomResult {
  verdict: Verdict;
  detail: string;
}

export interface CaseDef {
  id: string;
  description: string;
  /** Kill the connection after this long (ms). */
  timeoutMs?: number;
  /** permessage-deflate: what the client offers and how the server answers (categories 12-13). */
  deflate?: { offers: OfferSpec[]; accept: AcceptSpec };
  run(ctx: CaseContext): Promise<CustomResult | undefined>;
  /** Event sequences: `ok` exactly, or one of `nonStrict`. Absent when `run` returns a result. */
  expect?: { ok: PeerEvent[]; nonStrict?: PeerEvent[][] };
  close: CloseExpect;
}

export interface SendSpec extends FrameSpec {
  /** Write the frame in pieces of this many bytes... */
  chop?: number;
  /** ...with this delay between pieces (ms; 0 = one event-loop turn). */
  delay?: number;
  /** Send even when the peer no longer considers the connection open (cases 7.1.x). */
  force?: boolean;
}

export class CaseContext {
  constructor(readonly peer: RawPeer) {}

  get open(): boolean {
    return this.peer.open;
  }

  sleep(ms: number): Promise<void> {
    return sleep(ms);
  }

  /** Autobahn's ("timeout", name) marker: recorded only while the connection is still open. */
  mark(name: string): void {
    if (this.peer.open) this.peer.events.push({ kind: 'marker', name });
  }

  async send(spec: SendSpec): Promise<void> {
    if (!spec.force && !this.peer.open) return;
    const bytes = this.peer.frame(spec);
    if (spec.chop) await this.peer.writeChopped(bytes, spec.chop, spec.delay ?? 0);
    else this.peer.write(bytes);
  }

  text(payload: string | Buffer, fin = true, extra: Partial<SendSpec> = {}): Promise<void> {
    return this.send({ opcode: Op.Text, payload, fin, ...extra });
  }

  binary(payload: Buffer, fin = true, extra: Partial<SendSpec> = {}): Promise<void> {
    return this.send({ opcode: Op.Binary, payload, fin, ...extra });
  }

  cont(payload: string | Buffer, fin: boolean, extra: Partial<SendSpec> = {}): Promise<void> {
    return this.send({ opcode: Op.Continuation, payload, fin, ...extra });
  }

  ping(payload: string | Buffer = '', extra: Partial<SendSpec> = {}): Promise<void> {
    return this.send({ opcode: Op.Ping, payload, ...extra });
  }

  pong(payload: string | Buffer = '', extra: Partial<SendSpec> = {}): Promise<void> {
    return this.send({ opcode: Op.Pong, payload, ...extra });
  }

  close(code: number | null, reason: Buffer | string = ''): void {
    this.peer.sendClose(code, reason);
  }

  /** Resolves with the next message event at index >= `from`, or null after `timeoutMs`. */
  async nextMessage(
    from: number,
    timeoutMs: number,
  ): Promise<{ index: number; ev: PeerEvent } | null> {
    const find = (): number => {
      for (let i = from; i < this.peer.events.length; i++)
        if (this.peer.events[i]!.kind === 'message') return i;
      return -1;
    };
    await this.peer.waitFor(() => find() >= 0 || this.peer.tcpClosed, timeoutMs);
    const i = find();
    return i < 0 ? null : { index: i, ev: this.peer.events[i]! };
  }
}

// ---------------------------------------------------------------- helpers for expectations

export const msg = (data: string | Buffer, binary = false): PeerEvent => ({
  kind: 'message',
  binary,
  data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
});
export const pong = (data: string | Buffer = ''): PeerEvent => ({
  kind: 'pong',
  data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
});
export const marker = (name: string): PeerEvent => ({ kind: 'marker', name });

/** The implementation must fail the connection (§7.1.7) with one of `codes`. */
export const failWith = (...codes: number[]): CloseExpect => ({
  closedByMe: false,
  codes,
  requireClean: false,
});
/** The peer closes normally after the expected events; the handshake must complete. */
export const normalClose: CloseExpect = { closedByMe: true, codes: [1000], requireClean: true };

export function eventsEqual(a: PeerEvent[], b: PeerEvent[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.kind !== y.kind) return false;
    if (x.kind === 'marker') {
      if (x.name !== (y as typeof x).name) return false;
    } else if (x.kind === 'message') {
      const m = y as typeof x;
      if (x.binary !== m.binary || !x.data.equals(m.data)) return false;
    } else if (!x.data.equals((y as typeof x).data)) return false;
  }
  return true;
}

export function describeEvents(evs: PeerEvent[]): string {
  return `[${evs
    .map((e) => {
      if (e.kind === 'marker') return `timeout ${e.name}`;
      if (e.kind === 'message')
        return `${e.binary ? 'binary' : 'text'}(${e.data.length}${e.data.length <= 24 ? `:${e.data.toString('hex')}` : ''})`;
      return `${e.kind}(${e.data.length})`;
    })
    .join(', ')}]`;
}
