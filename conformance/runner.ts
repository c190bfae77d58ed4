/**
 * Runs the cases against our engine in both roles over real loopback sockets:
 * - server role: our WebSocketServer echoes; the fuzzing peer is the client;
 * - client role: our connect() client echoes; the fuzzing peer is the server driving the case
 *   (as the reference suite's client mode works).
 * Verdicts follow the reference suite: events must equal the OK sequence (or a NON-STRICT one),
 * and the close must come from the right endpoint, with an expected code, cleanly when required.
 */
import net from 'node:net';
import type { DeflateOptions } from '../packages/framing/src/extensions/permessage-deflate.js';
import {
  connect,
  type NodeSocketOptions,
  type NodeWebSocket,
  WebSocketServer,
} from '../packages/framing/src/node/index.js';
import {
  CaseContext,
  type CaseDef,
  type CustomResult,
  describeEvents,
  eventsEqual,
  type Verdict,
} from './case.js';
import { closeCases } from './cases-close.js';
import { deflateCases } from './cases-deflate.js';
import { framingCases } from './cases-framing.js';
import { limitCases } from './cases-limits.js';
import { utf8Cases } from './cases-utf8.js';
import { type AcceptSpec, answerOffers, type Negotiated, type OfferSpec } from './deflate.js';
import { checkClientRequest, connectPeer, RawPeer, sleep } from './peer.js';
import { acceptFor, formatExtension, parseExtensionHeader, readHead } from './wire.js';

export type Role = 'server' | 'client';

export interface CaseResult {
  id: string;
  role: Role;
  description: string;
  verdict: Verdict;
  detail: string;
  closeCode: number | null;
  wasClean: boolean;
  ms: number;
}

export interface RunOptions {
  roles?: Role[];
  /** Only cases whose id starts with one of these prefixes. */
  filter?: string[];
  concurrency?: number;
  onResult?: (r: CaseResult) => void;
  /** Extra options for our endpoint (e.g. to check that the suite notices a deviation). */
  endpointOptions?: Partial<NodeSocketOptions>;
}

const TIMING = { tcpCloseWait: 1000, handshakeTimeout: 5000 };
/** How long to wait for the implementation to close after the case ran. */
const CLOSE_WAIT = 1500;
/** How long to wait for the expected events before closing anyway. */
const MATCH_WAIT = 2000;

export function allCases(): CaseDef[] {
  return [...framingCases(), ...utf8Cases(), ...closeCases(), ...limitCases(), ...deflateCases()];
}

function serverDeflate(accept: AcceptSpec | undefined): DeflateOptions | boolean {
  if (accept === undefined) return true;
  const o: DeflateOptions = {};
  if (accept.serverNoContextTakeover) o.serverNoContextTakeover = true;
  if (accept.clientNoContextTakeover) o.clientNoContextTakeover = true;
  if (accept.serverMaxWindowBits !== undefined) o.serverMaxWindowBits = accept.serverMaxWindowBits;
  if (accept.clientMaxWindowBits !== undefined) o.clientMaxWindowBits = accept.clientMaxWindowBits;
  return o;
}

function clientDeflate(offer: OfferSpec | undefined): DeflateOptions | boolean {
  if (offer === undefined) return true;
  const o: DeflateOptions = {};
  if (offer.serverNoContextTakeover) o.serverNoContextTakeover = true;
  if (offer.clientNoContextTakeover) o.clientNoContextTakeover = true;
  if (offer.serverMaxWindowBits !== undefined) o.serverMaxWindowBits = offer.serverMaxWindowBits;
  if (offer.clientMaxWindowBits !== undefined) o.clientMaxWindowBits = offer.clientMaxWindowBits;
  return o;
}

/** Our endpoint's application: echo every message with its type. */
function echo(ws: NodeWebSocket): void {
  ws.on('message', (data, isBinary) => {
    if (ws.state !== 'open') return;
    try {
      ws.send(data, { binary: isBinary });
    } catch {
      // The connection started closing in between; nothing to echo to.
    }
  });
}

/** Drives one case on a connected peer and judges the outcome. */
async function drive(c: CaseDef, peer: RawPeer): Promise<Omit<CaseResult, 'role' | 'ms'>> {
  let killed = false;
  const kill = setTimeout(() => {
    killed = true;
    peer.drop();
  }, c.timeoutMs ?? 10000);
  const ctx = new CaseContext(peer);
  let custom: CustomResult | undefined;
  let runError: string | null = null;
  try {
    custom = await c.run(ctx);
  } catch (err) {
    runError = (err as Error).message;
  }
  const eventsAtResult = peer.events.length;
  const matches = (): boolean =>
    c.expect !== undefined &&
    (eventsEqual(peer.events, c.expect.ok) ||
      (c.expect.nonStrict ?? []).some((alt) => eventsEqual(peer.events, alt)));
  if (c.close.closedByMe) {
    if (custom === undefined) await peer.waitFor(() => matches() || !peer.open, MATCH_WAIT);
    // Let anything unexpected that is already on its way arrive before closing.
    await sleep(5);
    peer.sendClose(c.close.codes.find((x) => x !== null) ?? 1000);
  }
  let selfDropped = false;
  if (!(await peer.waitFor(() => peer.tcpClosed, CLOSE_WAIT))) {
    selfDropped = true;
    if (peer.role === 'client') peer.droppedByMe = true;
    peer.drop();
    await peer.waitFor(() => peer.tcpClosed, 1000);
  }
  clearTimeout(kill);
  peer.dispose();

  const problems: string[] = [];
  let verdict: Verdict = 'OK';
  const worsen = (v: Verdict, why: string): void => {
    problems.push(why);
    if (v === 'FAILED' || verdict === 'FAILED') verdict = 'FAILED';
    else if (v === 'NON-STRICT') verdict = 'NON-STRICT';
  };
  // Behaviour: the observed events.
  if (runError !== null) worsen('FAILED', `case error: ${runError}`);
  if (killed) worsen('FAILED', `case timed out after ${c.timeoutMs ?? 10000} ms`);
  if (custom !== undefined) {
    if (custom.verdict !== 'OK') worsen(custom.verdict, custom.detail);
    if (peer.events.length !== eventsAtResult)
      worsen(
        'FAILED',
        `events after the case finished: ${describeEvents(peer.events.slice(eventsAtResult))}`,
      );
  } else if (c.expect) {
    if (eventsEqual(peer.events, c.expect.ok)) {
      // OK
    } else if ((c.expect.nonStrict ?? []).some((alt) => eventsEqual(peer.events, alt))) {
      worsen('NON-STRICT', `events ${describeEvents(peer.events)} match a non-strict alternative`);
    } else {
      worsen(
        'FAILED',
        `events ${describeEvents(peer.events)} differ from expected ${describeEvents(c.expect.ok)}`,
      );
    }
  }
  for (const v of peer.violations) worsen('FAILED', `protocol violation: ${v}`);
  // Closing behaviour (who closed, code, clean).
  const code = peer.closeReceived?.code ?? null;
  const wasClean = peer.closeSent && peer.closeReceived !== null && !peer.droppedByMe;
  if (peer.closedByMe !== c.close.closedByMe) {
    worsen(
      'FAILED',
      peer.closeReceived === null && !c.close.closedByMe
        ? 'the implementation did not close the connection'
        : 'the closing handshake was started by the wrong endpoint',
    );
  } else if (!c.close.closedByMe && peer.closeReceived === null) {
    if (selfDropped) worsen('FAILED', 'the implementation did not fail the connection');
    else worsen('NON-STRICT', 'the implementation dropped TCP without a Close frame');
  } else if (c.close.requireClean && !wasClean) {
    worsen('FAILED', 'unclean close where a clean closing handshake is required');
  } else if (peer.closeReceived !== null && !c.close.codes.includes(code)) {
    worsen(
      'FAILED',
      `close code ${code ?? '(none)'}, expected ${c.close.codes.map((x) => x ?? '(none)').join('/')}`,
    );
  } else if (peer.role === 'client' && peer.droppedByMe) {
    worsen('FAILED', 'the server did not close the TCP connection (§7.1.1)');
  }
  const closeText = `close ${code ?? '(none)'}${peer.closeReceived?.reason ? ` "${peer.closeReceived.reason.slice(0, 60)}"` : ''}, ${wasClean ? 'clean' : 'unclean'}, started by ${peer.closedByMe ? 'peer' : 'implementation'}`;
  const detail =
    problems.length === 0
      ? `${custom?.detail ?? `events ${describeEvents(peer.events)} as expected`}; ${closeText}`
      : `${problems.join('; ')}; ${closeText}`;
  return { id: c.id, description: c.description, verdict, detail, closeCode: code, wasClean };
}

class ServerRole {
  constructor(private readonly extra: Partial<NodeSocketOptions>) {}
  private servers = new Map<string, Promise<{ server: WebSocketServer; port: number }>>();

  async port(c: CaseDef): Promise<number> {
    const key = JSON.stringify(c.deflate?.accept ?? null);
    let entry = this.servers.get(key);
    if (entry === undefined) {
      entry = (async () => {
        const server = new WebSocketServer({
          deflate: serverDeflate(c.deflate?.accept),
          closeTimeout: 1000,
          handshakeTimeout: 5000,
          ...this.extra,
        });
        server.on('connection', (ws) => echo(ws));
        const port = await server.listen(0);
        return { server, port };
      })();
      this.servers.set(key, entry);
    }
    return (await entry).port;
  }

  async run(c: CaseDef): Promise<Omit<CaseResult, 'role' | 'ms'>> {
    const port = await this.port(c);
    let peer: RawPeer;
    try {
      peer = await connectPeer(port, `/case/${c.id}`, c.deflate?.offers ?? [], TIMING);
    } catch (err) {
      return failedHandshake(c, (err as Error).message);
    }
    return drive(c, peer);
  }

  async close(): Promise<void> {
    for (const entry of this.servers.values()) await (await entry).server.close();
  }
}

class ClientRole {
  constructor(private readonly extra: Partial<NodeSocketOptions>) {}
  private listener!: net.Server;
  private portNo = 0;
  private pending = new Map<
    string,
    (socket: net.Socket, head: Awaited<ReturnType<typeof readHead>>) => void
  >();

  async start(): Promise<void> {
    this.listener = net.createServer((socket) => {
      socket.on('error', () => {});
      readHead(socket, TIMING.handshakeTimeout)
        .then((head) => {
          const path = head.startLine.split(' ')[1] ?? '';
          const take = this.pending.get(path);
          if (!take) {
            socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
            return;
          }
          this.pending.delete(path);
          take(socket, head);
        })
        .catch(() => socket.destroy());
    });
    await new Promise<void>((resolve) => this.listener.listen(0, '127.0.0.1', resolve));
    this.portNo = (this.listener.address() as net.AddressInfo).port;
  }

  async run(c: CaseDef): Promise<Omit<CaseResult, 'role' | 'ms'>> {
    const path = `/case/${c.id}`;
    const peerReady = new Promise<RawPeer | string>((resolve) => {
      this.pending.set(path, (socket, head) => {
        // The peer as server (§4.2.2): check the request, answer by hand.
        const problem = checkClientRequest(head.startLine, head.headers);
        if (problem !== null) {
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
          resolve(`bad upgrade request: ${problem}`);
          return;
        }
        const lines = [
          'HTTP/1.1 101 Switching Protocols',
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Accept: ${acceptFor(head.headers.get('sec-websocket-key')!)}`,
        ];
        let negotiated: Negotiated | null = null;
        if (c.deflate) {
          let offers: ReturnType<typeof parseExtensionHeader>;
          try {
            offers = parseExtensionHeader(head.headers.get('sec-websocket-extensions') ?? '');
          } catch (err) {
            resolve(`bad Sec-WebSocket-Extensions: ${(err as Error).message}`);
            socket.destroy();
            return;
          }
          const answer = answerOffers(offers, c.deflate.accept);
          if (answer) {
            lines.push(`Sec-WebSocket-Extensions: ${formatExtension(answer.response)}`);
            negotiated = answer.params;
          }
        }
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        const peer = new RawPeer(socket, 'server', TIMING);
        peer.setDeflate(negotiated);
        peer.feed(head.rest);
        socket.resume();
        resolve(peer);
      });
    });
    const clientPromise = connect(`ws://127.0.0.1:${this.portNo}${path}`, {
      deflate: clientDeflate(c.deflate?.offers[0]),
      closeTimeout: 1000,
      handshakeTimeout: 5000,
      ...this.extra,
    });
    clientPromise.then(echo, () => {});
    const ready = await Promise.race([
      peerReady,
      sleep(TIMING.handshakeTimeout).then(() => 'no connection from the client'),
    ]);
    this.pending.delete(path);
    if (typeof ready === 'string') return failedHandshake(c, ready);
    try {
      await clientPromise;
    } catch (err) {
      ready.dispose();
      return failedHandshake(c, `client rejected the handshake: ${(err as Error).message}`);
    }
    return drive(c, ready);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }
}

function failedHandshake(c: CaseDef, why: string): Omit<CaseResult, 'role' | 'ms'> {
  return {
    id: c.id,
    description: c.description,
    verdict: 'FAILED',
    detail: `opening handshake failed: ${why}`,
    closeCode: null,
    wasClean: false,
  };
}

/** Runs the selected cases, role by role, `concurrency` at a time; results in case order. */
export async function runConformance(opts: RunOptions = {}): Promise<CaseResult[]> {
  const roles = opts.roles ?? ['server', 'client'];
  const cases = allCases().filter(
    (c) => !opts.filter || opts.filter.some((p) => c.id === p || c.id.startsWith(`${p}.`)),
  );
  const results: CaseResult[] = [];
  for (const role of roles) {
    const extra = opts.endpointOptions ?? {};
    const runner = role === 'server' ? new ServerRole(extra) : new ClientRole(extra);
    if (runner instanceof ClientRole) await runner.start();
    const out: CaseResult[] = new Array(cases.length);
    const runPhase = async (indices: number[], width: number): Promise<void> => {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < indices.length) {
          const i = indices[next++]!;
          const c = cases[i]!;
          const t0 = performance.now();
          const r = await runner.run(c);
          const result: CaseResult = { ...r, role, ms: Math.round(performance.now() - t0) };
          out[i] = result;
          opts.onResult?.(result);
        }
      };
      await Promise.all(Array.from({ length: width }, () => worker()));
    };
    const all = cases.map((_, i) => i);
    // Large-message cases (category 9) run two at a time after the rest, so their memory and
    // CPU use do not slow down the cases that time the implementation's reactions.
    const isLarge = (i: number): boolean => cases[i]!.id.startsWith('9.');
    await runPhase(
      all.filter((i) => !isLarge(i)),
      opts.concurrency ?? 6,
    );
    await runPhase(all.filter(isLarge), 2);
    await runner.close();
    results.push(...out);
  }
  return results;
}
