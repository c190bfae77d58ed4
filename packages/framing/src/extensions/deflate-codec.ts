/**
 * The DEFLATE codec behind permessage-deflate (RFC 7692 §7.2), as a small synchronous interface
 * so the engine stays sans-IO. The default is fflate (pure JS, runs everywhere); the Node adapter
 * swaps in node:zlib (see node/zlib-codec.ts for the benchmark that justifies it).
 */
import { deflateSync, Inflate } from 'fflate';
import { MessageTooBigError, ProtocolError } from '../errors.js';

/** The negotiated permessage-deflate parameters a codec works with (RFC 7692 §7.1). */
export interface CodecParams {
  /** Our compressor must not keep its LZ77 window between messages. */
  compressNoContextTakeover: boolean;
  /** The peer resets its compressor after each message, so we reset our decompressor. */
  decompressNoContextTakeover: boolean;
  /** Largest LZ77 window our compressor may use, as a power of two (8..15). */
  compressWindowBits: number;
  /** Compression level 0-9. */
  level: number;
}

/** Compressor and decompressor of one connection's permessage-deflate (RFC 7692 §7.2). */
export interface DeflateCodec {
  /**
   * Compresses one whole message and returns the payload to send: the DEFLATE output with the
   * final empty stored block's 00 00 FF FF removed (RFC 7692 §7.2.1).
   */
  compress(data: Uint8Array): Uint8Array;
  /**
   * Decompresses one frame's payload of a compressed message. With `fin`, appends 00 00 FF FF
   * first (§7.2.2). Throws MessageTooBigError once more than `limit` bytes would come out, before
   * producing them, and ProtocolError on corrupt data.
   */
  decompress(data: Uint8Array, fin: boolean, limit: number): Uint8Array[];
  /**
   * Whether our compressor keeps its window between messages. When false, negotiation declares
   * no context takeover for our sending direction (RFC 7692 §7.1.1), which is always allowed.
   */
  readonly contextTakeover: boolean;
  /** Releases the codec's resources; it is not used again. */
  close(): void;
}

/** Creates the codec of a connection from the negotiated parameters (fflate by default, node:zlib in Node). */
export type DeflateCodecFactory = (params: CodecParams) => DeflateCodec;

export const DEFLATE_TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
/** Compressed input is fed to the inflater in slices this large so a zip bomb is caught early:
 * DEFLATE expands at most ~1032:1, so one slice yields at most ~4 MiB before the limit check. */
const INFLATE_SLICE = 4096;
const WINDOW = 32768;

/**
 * fflate codec. fflate's streaming compressor cannot end a message on a byte boundary with an
 * empty stored block (its sync flush corrupts output past 32 KiB in 0.8.3), so each message is
 * compressed on its own (negotiation declares no context takeover for our sending direction) and
 * ends in a block with BFINAL set (RFC 7692 §7.2.3.4). That is only safe when the peer agreed to
 * reset its inflater per message (our *_no_context_takeover echoed in the response): an inflater
 * kept across messages (Autobahn|Python) reads nothing after a final block. Otherwise messages
 * go as non-final stored blocks (uncompressed but valid DEFLATE). It cannot limit its window,
 * so when the peer asks for fewer than 15 window bits it stores the data uncompressed (level 0)
 * instead. Decompression keeps the peer's window across messages (context takeover) via
 * fflate's dictionary option.
 */
export const fflateCodec: DeflateCodecFactory = (params) => {
  const level = (params.compressWindowBits < 15 ? 0 : params.level) as
    | 0
    | 1
    | 2
    | 3
    | 4
    | 5
    | 6
    | 7
    | 8
    | 9;
  let inflater: Inflate | null = null;
  // Last 32 KiB of decompressed output: the LZ77 window carried between messages.
  let window: Uint8Array = new Uint8Array(0);
  let outputs: Uint8Array[] = [];
  let produced = 0;
  let streamEnded = false;

  const newInflater = (): Inflate => {
    streamEnded = false;
    const inf = new Inflate(
      window.length > 0 && !params.decompressNoContextTakeover ? { dictionary: window } : {},
      (chunk, final) => {
        outputs.push(chunk);
        produced += chunk.length;
        // The window spans every fragment of every message, not only the last call's output.
        if (!params.decompressNoContextTakeover) window = keepWindow(window, [chunk]);
        if (final) streamEnded = true;
      },
    );
    return inf;
  };

  return {
    contextTakeover: false,
    compress(data) {
      return params.compressNoContextTakeover ? deflateSync(data, { level }) : storedBlocks(data);
    },
    decompress(data, fin, limit) {
      outputs = [];
      produced = 0;
      const feed = (bytes: Uint8Array): void => {
        for (let off = 0; off < bytes.length; off += INFLATE_SLICE) {
          // A block with BFINAL ends the DEFLATE stream; what follows (at least the appended
          // tail) starts a new one that still sees the window (RFC 7692 §7.2.3.4).
          if (inflater === null || streamEnded) inflater = newInflater();
          try {
            inflater.push(bytes.subarray(off, Math.min(off + INFLATE_SLICE, bytes.length)), false);
          } catch (err) {
            throw new ProtocolError('invalid DEFLATE data in compressed message', { cause: err });
          }
          if (produced > limit) {
            throw new MessageTooBigError(`decompressed message exceeds ${limit} bytes`, limit);
          }
        }
      };
      feed(data);
      if (fin) {
        if (!streamEnded) feed(DEFLATE_TAIL);
        if (params.decompressNoContextTakeover) window = new Uint8Array(0);
        inflater = null;
      }
      const out = outputs;
      outputs = [];
      return out;
    },
    close() {
      inflater = null;
    },
  };
};

/**
 * Non-final stored blocks (RFC 1951 §3.2.4), then the 3 header bits of the empty stored block
 * whose 00 00 FF FF the receiver appends (RFC 7692 §7.2.1); the stream never ends.
 */
function storedBlocks(data: Uint8Array): Uint8Array {
  const blocks = Math.ceil(data.length / 65535);
  const out = new Uint8Array(data.length + 5 * blocks + 1);
  let pos = 0;
  for (let off = 0; off < data.length; off += 65535) {
    const len = Math.min(65535, data.length - off);
    out[pos] = 0; // BFINAL 0, BTYPE 00, padding to the byte boundary
    out[pos + 1] = len & 0xff;
    out[pos + 2] = len >>> 8;
    out[pos + 3] = ~len & 0xff;
    out[pos + 4] = (~len >>> 8) & 0xff;
    out.set(data.subarray(off, off + len), pos + 5);
    pos += 5 + len;
  }
  out[pos] = 0;
  return out;
}

function keepWindow(previous: Uint8Array, chunks: Uint8Array[]): Uint8Array {
  let size = previous.length;
  for (const c of chunks) size += c.length;
  const keep = Math.min(size, WINDOW);
  const out = new Uint8Array(keep);
  let pos = keep;
  for (let i = chunks.length - 1; i >= -1 && pos > 0; i--) {
    const c = i >= 0 ? chunks[i]! : previous;
    const take = Math.min(pos, c.length);
    out.set(c.subarray(c.length - take), pos - take);
    pos -= take;
  }
  return out;
}
