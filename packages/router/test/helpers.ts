/**
 * Test helpers: a raw WAMP peer on the `ws` package and our serializers (for protocol corners
 * no real peer can produce), and the Autobahn|JS / Autobahn|Python launchers.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Dict, Serializer, WampMessage } from '@wampkit/serializers';
import { createJsonSerializer } from '@wampkit/serializers';
import { createCborSerializer } from '@wampkit/serializers/cbor';
import { createFlatbuffersSerializer } from '@wampkit/serializers/flatbuffers';
import { createMsgpackSerializer } from '@wampkit/serializers/msgpack';
import { createUbjsonSerializer } from '@wampkit/serializers/ubjson';
import WebSocket from 'ws';

export const SERIALIZERS: Record<string, Serializer> = {
  json: createJsonSerializer(),
  msgpack: createMsgpackSerializer(),
  cbor: createCborSerializer(),
  ubjson: createUbjsonSerializer(),
  flatbuffers: createFlatbuffersSerializer(),
};

/** Client roles with every feature a raw peer may use in the tests. */
export const ALL_ROLES: Dict = {
  publisher: {
    features: {
      publisher_identification: true,
      subscriber_blackwhite_listing: true,
      publisher_exclusion: true,
      payload_passthru_mode: true,
    },
  },
  subscriber: {
    features: {
      publisher_identification: true,
      pattern_based_subscription: true,
      subscription_revocation: true,
      payload_passthru_mode: true,
    },
  },
  caller: {
    features: {
      caller_identification: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      call_canceling: true,
      call_timeout: true,
      payload_passthru_mode: true,
    },
  },
  callee: {
    features: {
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      call_canceling: true,
      registration_revocation: true,
      payload_passthru_mode: true,
    },
  },
};

export interface Closed {
  code: number;
  reason: string;
}

/** A WAMP peer that sends and receives message objects (or raw frames) as the test says. */
export class RawPeer {
  private readonly inbox: WampMessage[] = [];
  private waiters: Array<() => void> = [];
  private requestId = 0;
  readonly closed: Promise<Closed>;
  /** Frames that did not decode (must stay empty: the router only sends valid messages). */
  readonly undecodable: unknown[] = [];
  session = 0;

  private constructor(
    readonly ws: WebSocket,
    readonly serializer: Serializer,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      try {
        const msg = serializer.unserialize(isBinary ? new Uint8Array(data) : data.toString('utf8'));
        this.inbox.push(msg);
      } catch (e) {
        this.undecodable.push(e);
      }
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      }),
    );
  }

  static open(url: string, serializer: Serializer | string): Promise<RawPeer> {
    const ser = typeof serializer === 'string' ? SERIALIZERS[serializer]! : serializer;
    const ws = new WebSocket(url, [ser.subprotocol]);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawPeer(ws, ser)));
      ws.once('error', reject);
    });
  }

  /** Opens a connection and joins `realm` with every role. */
  static async join(
    url: string,
    serializer: Serializer | string,
    realm = 'realm1',
    roles = ALL_ROLES,
  ) {
    const p = await RawPeer.open(url, serializer);
    p.send({ type: 'HELLO', realm, details: { roles } });
    const w = await p.next();
    if (w.type !== 'WELCOME') throw new Error(`expected WELCOME, got ${JSON.stringify(w)}`);
    p.session = w.session;
    return p;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  nextRequestId(): number {
    this.requestId++;
    return this.requestId;
  }

  send(msg: WampMessage): void {
    const data = this.serializer.serialize(msg);
    this.ws.send(data, { binary: typeof data !== 'string' });
  }

  sendRaw(data: string | Uint8Array, binary = typeof data !== 'string'): void {
    this.ws.send(data, { binary });
  }

  /** The next message (optionally of a type, skipping nothing: a different type fails). */
  async next(timeoutMs = 5000): Promise<WampMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a message');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.inbox.shift()!;
  }

  /** Next message, asserting its type. */
  async expect<T extends WampMessage['type']>(type: T): Promise<Extract<WampMessage, { type: T }>> {
    const m = await this.next();
    if (m.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(m)}`);
    return m as Extract<WampMessage, { type: T }>;
  }

  /** Messages received so far and not yet taken. */
  pending(): WampMessage[] {
    return [...this.inbox];
  }

  /** Waits until nothing more arrives for `ms` (to check that something did NOT happen). */
  async quiet(ms = 100): Promise<WampMessage[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.inbox.splice(0);
  }

  async call(
    procedure: string,
    args?: unknown[],
    kwargs?: Dict,
    options: Dict = {},
  ): Promise<WampMessage> {
    const request = this.nextRequestId();
    const m: WampMessage = { type: 'CALL', request, options, procedure };
    if (args !== undefined) m.args = args;
    if (kwargs !== undefined) m.kwargs = kwargs;
    this.send(m);
    return this.next();
  }

  async register(procedure: string, options: Dict = {}): Promise<number> {
    this.send({ type: 'REGISTER', request: this.nextRequestId(), options, procedure });
    return (await this.expect('REGISTERED')).registration;
  }

  async subscribe(topic: string, options: Dict = {}): Promise<number> {
    this.send({ type: 'SUBSCRIBE', request: this.nextRequestId(), options, topic });
    return (await this.expect('SUBSCRIBED')).subscription;
  }

  close(): void {
    this.ws.close();
  }
}

/** Runs the Autobahn|Python peer script; resolves with its JSON report (last stdout line). */
export function runPython(script: string, args: string[], timeoutMs = 50_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [join(import.meta.dirname, script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = out.trim().split('\n');
      if (code !== 0) return reject(new Error(`python exited ${code}: ${err}\n${out}`));
      try {
        resolve(JSON.parse(lines[lines.length - 1]!));
      } catch {
        reject(new Error(`bad python output: ${out}\n${err}`));
      }
    });
  });
}
