/**
 * permessage-deflate for the fuzzing peer (RFC 7692), on node:zlib and independent of the
 * engine's codecs: negotiation checks (§7.1), a compressor that keeps or drops its context as
 * negotiated (§7.2.1, §7.1.1), and a decompressor that honours the sender's context takeover
 * (§7.2.2).
 */
import zlib from 'node:zlib';
import type { Extension } from './wire.js';

export const PMD = 'permessage-deflate';
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** What one side offers (client) — also used to configure our client. */
export interface OfferSpec {
  serverNoContextTakeover?: boolean;
  clientNoContextTakeover?: boolean;
  serverMaxWindowBits?: number;
  clientMaxWindowBits?: true | number;
}

/** How the accepting server answers — also used to configure our server. */
export interface AcceptSpec {
  serverNoContextTakeover?: boolean;
  clientNoContextTakeover?: boolean;
  serverMaxWindowBits?: number;
  clientMaxWindowBits?: number;
}

export interface Negotiated {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
}

export function offerToExtension(o: OfferSpec): Extension {
  const params = new Map<string, string | true>();
  if (o.clientNoContextTakeover) params.set('client_no_context_takeover', true);
  if (o.serverNoContextTakeover) params.set('server_no_context_takeover', true);
  if (o.clientMaxWindowBits !== undefined)
    params.set(
      'client_max_window_bits',
      o.clientMaxWindowBits === true ? true : String(o.clientMaxWindowBits),
    );
  if (o.serverMaxWindowBits !== undefined)
    params.set('server_max_window_bits', String(o.serverMaxWindowBits));
  return { name: PMD, params };
}

function bits(v: string | true | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  // §7.1.2.1/§7.1.2.2: 1*DIGIT, 8..15, no leading zeros.
  if (v === true || !/^(8|9|1[0-5])$/.test(v)) throw new Error(`${what} has invalid value ${v}`);
  return Number(v);
}

/**
 * Client side: checks the server's response against what we offered (§7.1) and returns the
 * parameters in force. Throws with the reason when the response is not allowed.
 */
export function checkResponse(offers: Extension[], response: Extension[]): Negotiated | null {
  if (response.length === 0) return null;
  if (response.length > 1) throw new Error('server accepted permessage-deflate more than once');
  const r = response[0]!;
  if (r.name !== PMD) throw new Error(`server answered with unoffered extension ${r.name}`);
  const known = [
    'server_no_context_takeover',
    'client_no_context_takeover',
    'server_max_window_bits',
    'client_max_window_bits',
  ];
  for (const [k, v] of r.params) {
    if (!known.includes(k)) throw new Error(`unknown parameter ${k} in response`);
    if (k.endsWith('no_context_takeover') && v !== true) throw new Error(`${k} has a value`);
  }
  const sBits = bits(r.params.get('server_max_window_bits'), 'server_max_window_bits');
  const cBitsRaw = r.params.get('client_max_window_bits');
  const cBits = bits(cBitsRaw, 'client_max_window_bits');
  // The response must correspond to one of the offers.
  const errors: string[] = [];
  for (const o of offers) {
    if (o.name !== PMD) continue;
    const oS = o.params.get('server_max_window_bits');
    const oC = o.params.get('client_max_window_bits');
    if (o.params.has('server_no_context_takeover') && !r.params.has('server_no_context_takeover')) {
      errors.push('server_no_context_takeover requested but not in response (§7.1.1.1)');
      continue;
    }
    if (sBits !== undefined && typeof oS === 'string' && sBits > Number(oS)) {
      errors.push(`server_max_window_bits=${sBits} above the offered ${oS} (§7.1.2.1)`);
      continue;
    }
    if (cBits !== undefined && oC === undefined) {
      errors.push('client_max_window_bits in response but not offered (§7.1.2.2)');
      continue;
    }
    const offeredC = typeof oC === 'string' ? Number(oC) : 15;
    return {
      serverNoContextTakeover: r.params.has('server_no_context_takeover'),
      // The client's own hint binds it too (§7.1.1.2).
      clientNoContextTakeover:
        r.params.has('client_no_context_takeover') || o.params.has('client_no_context_takeover'),
      serverMaxWindowBits: sBits ?? (typeof oS === 'string' ? Number(oS) : 15),
      clientMaxWindowBits: Math.min(cBits ?? 15, offeredC),
    };
  }
  throw new Error(errors.join('; ') || 'response matches no offer');
}

/** Server side (the peer as server): answers the first permessage-deflate offer per `accept`. */
export function answerOffers(
  offers: Extension[],
  accept: AcceptSpec,
): { response: Extension; params: Negotiated } | null {
  for (const o of offers) {
    if (o.name !== PMD) continue;
    let oS: number | undefined;
    let oC: number | true | undefined;
    try {
      oS = bits(o.params.get('server_max_window_bits'), 'server_max_window_bits');
      const c = o.params.get('client_max_window_bits');
      oC = c === true ? true : bits(c, 'client_max_window_bits');
    } catch {
      continue;
    }
    const params = new Map<string, string | true>();
    const serverNo = o.params.has('server_no_context_takeover') || !!accept.serverNoContextTakeover;
    const clientNo = !!accept.clientNoContextTakeover;
    if (serverNo) params.set('server_no_context_takeover', true);
    if (clientNo) params.set('client_no_context_takeover', true);
    let sBits = 15;
    if (oS !== undefined || accept.serverMaxWindowBits !== undefined) {
      sBits = Math.min(oS ?? 15, accept.serverMaxWindowBits ?? 15);
      params.set('server_max_window_bits', String(sBits));
    }
    let cBits = typeof oC === 'number' ? oC : 15;
    if (oC !== undefined && (accept.clientMaxWindowBits !== undefined || typeof oC === 'number')) {
      cBits = Math.min(accept.clientMaxWindowBits ?? 15, typeof oC === 'number' ? oC : 15);
      params.set('client_max_window_bits', String(cBits));
    }
    return {
      response: { name: PMD, params },
      params: {
        serverNoContextTakeover: serverNo,
        clientNoContextTakeover: clientNo || o.params.has('client_no_context_takeover'),
        serverMaxWindowBits: sBits,
        clientMaxWindowBits: cBits,
      },
    };
  }
  return null;
}

/**
 * Compressor for one direction. With context takeover one zlib stream lives across messages
 * (§7.2.3.3); without, each message gets a fresh stream. Every message ends with a sync flush
 * whose 00 00 FF FF is removed (§7.2.1). zlib cannot use a 256-byte raw window, so 8 bits maps
 * to 9; zlib's matches never reach further back than 2^9 - 262 bytes, inside the 8-bit window.
 */
export class PeerCompressor {
  private stream: zlib.DeflateRaw | null = null;
  private out: Buffer[] = [];

  constructor(
    private readonly noContextTakeover: boolean,
    private readonly windowBits: number,
  ) {}

  async compress(data: Buffer): Promise<Buffer> {
    if (this.stream === null || this.noContextTakeover) {
      this.stream?.close();
      const s = zlib.createDeflateRaw({ windowBits: Math.max(9, this.windowBits), memLevel: 8 });
      s.on('data', (c: Buffer) => this.out.push(c));
      this.stream = s;
    }
    const s = this.stream;
    s.write(data);
    await new Promise<void>((resolve) => s.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
    const all = Buffer.concat(this.out);
    this.out = [];
    if (all.length < 4 || !all.subarray(all.length - 4).equals(TAIL))
      throw new Error('peer compressor: sync flush did not end in 00 00 FF FF');
    return all.subarray(0, all.length - 4);
  }

  close(): void {
    this.stream?.close();
    this.stream = null;
  }
}

/**
 * Decompressor for messages from the engine: with the sender's context takeover, the previous
 * 32 KiB of output is the dictionary of the next message (§7.2.2); otherwise none.
 */
export class PeerDecompressor {
  private window = Buffer.alloc(0);

  constructor(private readonly senderNoContextTakeover: boolean) {}

  decompress(payload: Buffer): Buffer {
    const input = Buffer.concat([payload, TAIL]);
    const useDict = !this.senderNoContextTakeover && this.window.length > 0;
    const out = zlib.inflateRawSync(input, {
      windowBits: 15,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      ...(useDict ? { dictionary: this.window } : {}),
    });
    if (!this.senderNoContextTakeover) {
      const joined = Buffer.concat([this.window, out]);
      this.window = Buffer.from(joined.subarray(Math.max(0, joined.length - 32768)));
    }
    return out;
  }
}
