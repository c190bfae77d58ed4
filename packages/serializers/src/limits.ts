/**
 * Decoder limits (DESIGN.md principle 7, "Bounded everything"). Every decoder also checks each
 * declared length against the bytes that remain, so input of N bytes never allocates more
 * than O(N), and it never recurses deeper than `maxDepth`.
 */
export interface DecodeLimits {
  /** Largest serialized message accepted, in bytes (UTF-16 code units for JSON text). */
  readonly maxMessageBytes: number;
  /** Deepest nesting of lists/dicts accepted (the message array itself is depth 1). */
  readonly maxDepth: number;
}

/** The default decode limits: 16 MiB per message, nesting depth 64. */
export const DEFAULT_LIMITS: DecodeLimits = {
  maxMessageBytes: 16 * 1024 * 1024,
  maxDepth: 64,
};

export function resolveLimits(limits: Partial<DecodeLimits> | undefined): DecodeLimits {
  return { ...DEFAULT_LIMITS, ...limits };
}
