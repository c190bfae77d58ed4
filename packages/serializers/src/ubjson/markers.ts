/** UBJSON type markers (ubjson.org "Type reference") and the BJData-only ones (BJData spec Draft 3). */
export const M = {
  NULL: 0x5a, // Z
  NOOP: 0x4e, // N
  TRUE: 0x54, // T
  FALSE: 0x46, // F
  INT8: 0x69, // i
  UINT8: 0x55, // U
  INT16: 0x49, // I
  INT32: 0x6c, // l
  INT64: 0x4c, // L
  FLOAT32: 0x64, // d
  FLOAT64: 0x44, // D
  HIGH_PRECISION: 0x48, // H
  CHAR: 0x43, // C
  STRING: 0x53, // S
  ARRAY_START: 0x5b, // [
  ARRAY_END: 0x5d, // ]
  OBJECT_START: 0x7b, // {
  OBJECT_END: 0x7d, // }
  TYPE: 0x24, // $
  COUNT: 0x23, // #
  // BJData only (little-endian): uint16, uint32, uint64, float16, byte.
  BJ_UINT16: 0x75, // u
  BJ_UINT32: 0x6d, // m
  BJ_UINT64: 0x4d, // M
  BJ_FLOAT16: 0x68, // h
  BJ_BYTE: 0x42, // B
} as const;
