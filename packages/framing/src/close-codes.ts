/** WebSocket close status codes (RFC 6455 §7.4.1 and the IANA registry). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** Reserved: "no status received". Never sent on the wire. */
  NoStatus: 1005,
  /** Reserved: connection closed abnormally. Never sent on the wire. */
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  /** Reserved: TLS handshake failure. Never sent on the wire. */
  TlsHandshake: 1015,
} as const;

/**
 * Whether `code` may appear in a Close frame on the wire (RFC 6455 §7.4.1-§7.4.2): the defined
 * codes except the reserved 1004-1006 and 1015, IANA-registered 1012-1014, and the 3000-4999
 * ranges for libraries and applications.
 */
export function isValidWireCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  if (code < 1000 || code > 1014) return false;
  return code !== 1004 && code !== 1005 && code !== 1006;
}
