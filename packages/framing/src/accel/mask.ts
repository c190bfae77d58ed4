/**
 * Pure-TypeScript masking (RFC 6455 §5.3): octet i of the payload is XORed with octet
 * (i mod 4) of the masking key. This is the reference every accelerated path is tested against.
 */

/**
 * XOR `length` bytes of `source` starting at `sourceOffset` with `key` and write them to `output`
 * at `outputOffset`. `keyOffset` is the position of the first byte within the 4-byte key cycle,
 * so a payload can be masked in pieces as it arrives. `output` may be `source` (in place).
 */
export function maskJs(
  source: Uint8Array,
  sourceOffset: number,
  key: Uint8Array,
  keyOffset: number,
  output: Uint8Array,
  outputOffset: number,
  length: number,
): void {
  const k0 = key[keyOffset & 3]!;
  const k1 = key[(keyOffset + 1) & 3]!;
  const k2 = key[(keyOffset + 2) & 3]!;
  const k3 = key[(keyOffset + 3) & 3]!;
  let i = 0;
  // Four bytes per iteration keeps the key bytes in registers without a modulo per byte.
  const quads = length & ~3;
  for (; i < quads; i += 4) {
    output[outputOffset + i] = source[sourceOffset + i]! ^ k0;
    output[outputOffset + i + 1] = source[sourceOffset + i + 1]! ^ k1;
    output[outputOffset + i + 2] = source[sourceOffset + i + 2]! ^ k2;
    output[outputOffset + i + 3] = source[sourceOffset + i + 3]! ^ k3;
  }
  if (i < length) output[outputOffset + i] = source[sourceOffset + i]! ^ k0;
  if (i + 1 < length) output[outputOffset + i + 1] = source[sourceOffset + i + 1]! ^ k1;
  if (i + 2 < length) output[outputOffset + i + 2] = source[sourceOffset + i + 2]! ^ k2;
}
