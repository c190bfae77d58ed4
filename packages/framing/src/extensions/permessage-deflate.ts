/**
 * permessage-deflate negotiation (RFC 7692 §5, §7.1): building the client's offer, the server's
 * choice among offers, and the client's check of the server's response. The result is a
 * `PerMessageDeflate` that the connection uses per message (§6, §7.2).
 */

import { MessageTooBigError } from '../errors.js';
import {
  type CodecParams,
  type DeflateCodec,
  type DeflateCodecFactory,
  fflateCodec,
} from './deflate-codec.js';
import type { ExtensionOffer } from './header.js';

export const EXTENSION_NAME = 'permessage-deflate';

/** permessage-deflate settings (RFC 7692 §7.1): context takeover, window bits, level and threshold. */
export interface DeflateOptions {
  /**
   * Client: ask the server to reset its compressor after every message.
   * Server: reset ours after every message even when the client did not ask.
   */
  serverNoContextTakeover?: boolean;
  /** Client: promise to reset our compressor. Server: ask the client to reset its compressor. */
  clientNoContextTakeover?: boolean;
  /** Client: ask the server to use at most 2^n window. Server: use at most 2^n (8..15). */
  serverMaxWindowBits?: number;
  /**
   * Client: announce that we can limit our window (`true`) or suggest a limit (8..15).
   * Server: ask the client to use at most 2^n, when the client announced support.
   */
  clientMaxWindowBits?: number | boolean;
  /** Messages shorter than this many bytes are sent uncompressed. Default 64. */
  threshold?: number;
  /** DEFLATE level 0-9. Default 6 (zlib's default). */
  level?: number;
  /** Codec factory; defaults to fflate, the Node adapter installs node:zlib. */
  codec?: DeflateCodecFactory;
}

/** Parameters both sides agreed on (§7.1). Window bits default to 15 when not negotiated. */
export interface DeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
}

export class DeflateNegotiationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeflateNegotiationError';
  }
}

const KNOWN = new Set([
  'server_no_context_takeover',
  'client_no_context_takeover',
  'server_max_window_bits',
  'client_max_window_bits',
]);

function windowBits(value: string | true, name: string): number {
  // §7.1.2.1: a decimal integer 8-15 with no leading zeros.
  if (value === true || !/^(8|9|1[0-5])$/.test(value)) {
    throw new DeflateNegotiationError(`invalid ${name} value ${value === true ? '(none)' : value}`);
  }
  return Number(value);
}

function checkBits(n: number | undefined, what: string): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 8 || n > 15)) {
    throw new RangeError(`${what} must be an integer from 8 to 15`);
  }
}

/** Whether a codec's compressor keeps context between messages (probed once per factory). */
const keepsContext = new WeakMap<DeflateCodecFactory, boolean>();
function codecKeepsContext(factory: DeflateCodecFactory): boolean {
  let known = keepsContext.get(factory);
  if (known === undefined) {
    const probe = factory({
      compressNoContextTakeover: false,
      decompressNoContextTakeover: false,
      compressWindowBits: 15,
      level: 6,
    });
    known = probe.contextTakeover;
    probe.close();
    keepsContext.set(factory, known);
  }
  return known;
}

/** The client's offer (§5.1, §7.1). */
export function clientOffer(opts: DeflateOptions): ExtensionOffer {
  checkBits(opts.serverMaxWindowBits, 'serverMaxWindowBits');
  if (typeof opts.clientMaxWindowBits === 'number')
    checkBits(opts.clientMaxWindowBits, 'clientMaxWindowBits');
  const codec = opts.codec ?? fflateCodec;
  const params = new Map<string, string | true>();
  if (opts.serverNoContextTakeover) params.set('server_no_context_takeover', true);
  // A codec that keeps no compression context declares so (see deflate-codec.ts).
  if (opts.clientNoContextTakeover || !codecKeepsContext(codec))
    params.set('client_no_context_takeover', true);
  if (opts.serverMaxWindowBits !== undefined)
    params.set('server_max_window_bits', String(opts.serverMaxWindowBits));
  if (opts.clientMaxWindowBits === true || opts.clientMaxWindowBits === undefined) {
    params.set('client_max_window_bits', true);
  } else if (typeof opts.clientMaxWindowBits === 'number') {
    params.set('client_max_window_bits', String(opts.clientMaxWindowBits));
  }
  return { name: EXTENSION_NAME, params };
}

/** Client side: validate the server's response against our offer (§7.1). */
export function acceptResponse(offer: ExtensionOffer, response: ExtensionOffer): DeflateParams {
  const result: DeflateParams = {
    serverNoContextTakeover: false,
    // §7.1.1.2: our offer's client_no_context_takeover is only a hint; the server keeps its
    // inflater between messages unless the response carries it (see fflateCodec).
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  };
  if (response.repeated !== undefined)
    throw new DeflateNegotiationError(`repeated parameter ${response.repeated} in response`);
  for (const [key, value] of response.params) {
    if (!KNOWN.has(key)) throw new DeflateNegotiationError(`unknown parameter ${key} in response`);
    switch (key) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) throw new DeflateNegotiationError(`${key} must not have a value`);
        if (key === 'server_no_context_takeover') result.serverNoContextTakeover = true;
        else result.clientNoContextTakeover = true;
        break;
      case 'server_max_window_bits': {
        const bits = windowBits(value, key);
        const offered = offer.params.get(key);
        // §7.1.2.1: the server may only lower what we asked for.
        if (typeof offered === 'string' && bits > Number(offered)) {
          throw new DeflateNegotiationError(`${key}=${bits} exceeds the offered ${offered}`);
        }
        result.serverMaxWindowBits = bits;
        break;
      }
      case 'client_max_window_bits': {
        const offered = offer.params.get(key);
        // §7.1.2.2: only allowed when we offered the parameter.
        if (offered === undefined) throw new DeflateNegotiationError(`${key} was not offered`);
        const bits = windowBits(value, key);
        if (typeof offered === 'string' && bits > Number(offered)) {
          throw new DeflateNegotiationError(`${key}=${bits} exceeds the offered ${offered}`);
        }
        result.clientMaxWindowBits = bits;
        break;
      }
    }
  }
  if (offer.params.has('server_no_context_takeover') && !result.serverNoContextTakeover) {
    // §7.1.1.1: a server that accepts must honour it, so omitting it is a broken response.
    throw new DeflateNegotiationError('server_no_context_takeover was requested but not accepted');
  }
  return result;
}

/**
 * Server side: pick the first acceptable offer (§7.1) and build the response parameters.
 * Returns null when no offer is acceptable (the extension is then simply not used).
 */
export function negotiateServer(
  offers: ExtensionOffer[],
  opts: DeflateOptions,
): { params: DeflateParams; response: ExtensionOffer } | null {
  checkBits(opts.serverMaxWindowBits, 'serverMaxWindowBits');
  if (typeof opts.clientMaxWindowBits === 'number')
    checkBits(opts.clientMaxWindowBits, 'clientMaxWindowBits');
  const codec = opts.codec ?? fflateCodec;
  for (const offer of offers) {
    if (offer.name !== EXTENSION_NAME) continue;
    let parsed: Partial<Record<string, string | true>>;
    let serverBits: number | undefined;
    let clientBits: number | true | undefined;
    try {
      parsed = {};
      // §7.1: an offer with a repeated parameter is declined.
      if (offer.repeated !== undefined)
        throw new DeflateNegotiationError(`repeated parameter ${offer.repeated}`);
      for (const [key, value] of offer.params) {
        if (!KNOWN.has(key)) throw new DeflateNegotiationError(`unknown parameter ${key}`);
        parsed[key] = value;
      }
      for (const flag of ['server_no_context_takeover', 'client_no_context_takeover']) {
        if (parsed[flag] !== undefined && parsed[flag] !== true) {
          throw new DeflateNegotiationError(`${flag} must not have a value`);
        }
      }
      if (parsed.server_max_window_bits !== undefined) {
        serverBits = windowBits(parsed.server_max_window_bits, 'server_max_window_bits');
      }
      if (parsed.client_max_window_bits !== undefined) {
        clientBits =
          parsed.client_max_window_bits === true
            ? true
            : windowBits(parsed.client_max_window_bits, 'client_max_window_bits');
      }
    } catch {
      continue; // §7.1: decline an offer with invalid parameters, try the next one
    }
    const params: DeflateParams = {
      serverNoContextTakeover:
        parsed.server_no_context_takeover === true ||
        opts.serverNoContextTakeover === true ||
        !codecKeepsContext(codec),
      clientNoContextTakeover:
        parsed.client_no_context_takeover === true || opts.clientNoContextTakeover === true,
      serverMaxWindowBits: Math.min(serverBits ?? 15, opts.serverMaxWindowBits ?? 15),
      clientMaxWindowBits: 15,
    };
    if (clientBits !== undefined) {
      const wanted = typeof opts.clientMaxWindowBits === 'number' ? opts.clientMaxWindowBits : 15;
      params.clientMaxWindowBits = Math.min(wanted, clientBits === true ? 15 : clientBits);
    }
    const response = new Map<string, string | true>();
    if (params.serverNoContextTakeover) response.set('server_no_context_takeover', true);
    if (params.clientNoContextTakeover) response.set('client_no_context_takeover', true);
    if (serverBits !== undefined || params.serverMaxWindowBits < 15) {
      response.set('server_max_window_bits', String(params.serverMaxWindowBits));
    }
    if (
      clientBits !== undefined &&
      (typeof clientBits === 'number' || params.clientMaxWindowBits < 15)
    ) {
      response.set('client_max_window_bits', String(params.clientMaxWindowBits));
    }
    return { params, response: { name: EXTENSION_NAME, params: response } };
  }
  return null;
}

/** The negotiated extension as one connection uses it. */
export class PerMessageDeflate {
  readonly threshold: number;
  private readonly codec: DeflateCodec;
  /** Compressed bytes of the message being received, and their bound (-1: no message yet). */
  private inputSize = 0;
  private inputLimit = -1;

  constructor(
    readonly params: DeflateParams,
    role: 'client' | 'server',
    opts: DeflateOptions,
  ) {
    this.threshold = opts.threshold ?? 64;
    const mine = role === 'client' ? 'client' : 'server';
    const theirs = role === 'client' ? 'server' : 'client';
    const codecParams: CodecParams = {
      compressNoContextTakeover: params[`${mine}NoContextTakeover`],
      decompressNoContextTakeover: params[`${theirs}NoContextTakeover`],
      compressWindowBits: params[`${mine}MaxWindowBits`],
      level: opts.level ?? 6,
    };
    this.codec = (opts.codec ?? fflateCodec)(codecParams);
  }

  compress(data: Uint8Array): Uint8Array {
    return this.codec.compress(data);
  }

  decompress(data: Uint8Array, fin: boolean, limit: number): Uint8Array[] {
    // A message's DEFLATE form is at most slightly larger than the message (stored blocks add
    // 5 bytes per block). Input past that bound (e.g. endless empty blocks, which inflate to
    // nothing) is refused, so neither the codec nor the peer can pile up memory.
    if (this.inputLimit < 0) this.inputLimit = limit + Math.floor(limit / 64) + 1024;
    this.inputSize += data.length;
    if (this.inputSize > this.inputLimit) {
      throw new MessageTooBigError(
        `compressed message exceeds ${this.inputLimit} bytes`,
        this.inputLimit,
      );
    }
    if (fin) {
      this.inputSize = 0;
      this.inputLimit = -1;
    }
    return this.codec.decompress(data, fin, limit);
  }

  close(): void {
    this.codec.close();
  }
}
