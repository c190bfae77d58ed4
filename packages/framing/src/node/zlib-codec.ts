/**
 * permessage-deflate codec on node:zlib (native). Node offers no synchronous *streaming* zlib,
 * and the engine is sans-IO, so each message is one synchronous call:
 * - compress: `deflateRawSync` with a sync flush (RFC 7692 §7.2.1: ends in an empty stored
 *   block whose 00 00 FF FF we strip). Without a kept stream there is no context to take over,
 *   so negotiation always declares no context takeover for our sending direction (§7.1.1).
 *   The window is sized to the message, which makes zlib's per-call setup cheap.
 * - decompress: `inflateRawSync` with the peer's last 32 KiB as dictionary, which is exactly
 *   the sliding window of context takeover (§7.2.3.3); setting an inflate dictionary is a copy.
 *   `maxOutputLength` stops a zip bomb at the size limit before it expands further.
 * Chosen over fflate by `pnpm bench deflate`.
 */
import zlib from 'node:zlib';
import { MessageTooBigError, ProtocolError } from '../errors.js';
import {
  DEFLATE_TAIL,
  type DeflateCodec,
  type DeflateCodecFactory,
} from '../extensions/deflate-codec.js';

const { Z_SYNC_FLUSH } = zlib.constants;
const WINDOW = 32768;

/** The permessage-deflate codec on node:zlib (raw DEFLATE with sync flush), faster than fflate in Node. */
export const zlibCodec: DeflateCodecFactory = (params): DeflateCodec => {
  let window: Buffer = Buffer.alloc(0);
  let parts: Buffer[] = [];
  let partsSize = 0;

  return {
    contextTakeover: false,
    compress(data) {
      // Never more window than the message (no context) nor than negotiated; zlib needs >= 9.
      const fit = Math.max(9, Math.ceil(Math.log2(data.length + 262)));
      const out = zlib.deflateRawSync(data, {
        level: params.level,
        windowBits: Math.min(fit, Math.max(9, params.compressWindowBits)),
        memLevel: 8,
        finishFlush: Z_SYNC_FLUSH,
      });
      return out.subarray(0, out.length - 4);
    },
    decompress(data, fin, limit) {
      // Fragments of one compressed message are collected and inflated at the end: the message
      // size limit already bounds what is held, and one call keeps the dictionary handling simple.
      parts.push(Buffer.from(data.buffer, data.byteOffset, data.length));
      partsSize += data.length;
      if (!fin) return [];
      const input = Buffer.concat([...parts, DEFLATE_TAIL], partsSize + 4);
      parts = [];
      partsSize = 0;
      let out: Buffer;
      try {
        out = zlib.inflateRawSync(input, {
          windowBits: 15,
          finishFlush: Z_SYNC_FLUSH,
          maxOutputLength: Math.max(1, limit),
          ...(window.length > 0 && !params.decompressNoContextTakeover
            ? { dictionary: window }
            : {}),
        });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new MessageTooBigError(`decompressed message exceeds ${limit} bytes`, limit, {
            cause: err,
          });
        }
        throw new ProtocolError('invalid DEFLATE data in compressed message', { cause: err });
      }
      if (out.length > limit)
        throw new MessageTooBigError(`decompressed message exceeds ${limit} bytes`, limit);
      if (!params.decompressNoContextTakeover) window = slideWindow(window, out);
      return out.length > 0 ? [out] : [];
    },
    close() {
      parts = [];
      window = Buffer.alloc(0);
    },
  };
};

/** The last 32 KiB of everything decompressed so far. */
function slideWindow(previous: Buffer, out: Buffer): Buffer {
  if (out.length >= WINDOW) return Buffer.from(out.subarray(out.length - WINDOW));
  const keep = Math.min(previous.length, WINDOW - out.length);
  return Buffer.concat([previous.subarray(previous.length - keep), out]);
}
