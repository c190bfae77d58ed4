/** Frame-level constants and header encoding (RFC 6455 §5.2). */

export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/** Control frames have the high bit of the opcode set (§5.5). */
export const isControl = (opcode: number): boolean => (opcode & 0x8) !== 0;

/** Control frame payloads are at most 125 bytes (§5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/** Largest length the frame header can carry that JS can index (2^53 - 1 fits; we cap at 2^32). */
export const MAX_SUPPORTED_LENGTH = 2 ** 32;

/** Header size for a payload of `length` bytes, with or without a 4-byte masking key. */
export function headerSize(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 65536 ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Writes a frame header into `out` at 0 and returns its size. `rsv1` marks a compressed first
 * frame (RFC 7692 §6). The masking key, when given, follows the length (§5.2).
 */
export function writeHeader(
  out: Uint8Array,
  fin: boolean,
  rsv1: boolean,
  opcode: number,
  length: number,
  maskKey: Uint8Array | null,
): number {
  out[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const maskBit = maskKey ? 0x80 : 0;
  let pos: number;
  if (length < 126) {
    out[1] = maskBit | length;
    pos = 2;
  } else if (length < 65536) {
    out[1] = maskBit | 126;
    out[2] = length >>> 8;
    out[3] = length & 0xff;
    pos = 4;
  } else {
    out[1] = maskBit | 127;
    const hi = Math.floor(length / 2 ** 32);
    out[2] = (hi >>> 24) & 0xff;
    out[3] = (hi >>> 16) & 0xff;
    out[4] = (hi >>> 8) & 0xff;
    out[5] = hi & 0xff;
    out[6] = (length >>> 24) & 0xff;
    out[7] = (length >>> 16) & 0xff;
    out[8] = (length >>> 8) & 0xff;
    out[9] = length & 0xff;
    pos = 10;
  }
  if (maskKey) {
    out[pos] = maskKey[0]!;
    out[pos + 1] = maskKey[1]!;
    out[pos + 2] = maskKey[2]!;
    out[pos + 3] = maskKey[3]!;
    pos += 4;
  }
  return pos;
}
