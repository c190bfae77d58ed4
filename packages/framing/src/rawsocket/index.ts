/**
 * @wampkit/framing/rawsocket: sans-IO WAMP-over-RawSocket (spec advanced/transport_rawsocket.md):
 * the 4-octet handshake with serializer and maximum-length negotiation and error replies, and
 * the 4-octet-prefixed frames (WAMP message, PING, PONG). No Node built-ins: transports own I/O.
 */

export {
  type RawSocketCloseInfo,
  RawSocketConnection,
  type RawSocketHandler,
  type RawSocketOpenInfo,
  type RawSocketOptions,
  type RawSocketRole,
  type RawSocketState,
} from './connection.js';
export {
  describeHandshakeError,
  exponentForLength,
  FRAME_HEADER_LENGTH,
  FrameType,
  HANDSHAKE_LENGTH,
  HandshakeErrorCode,
  lengthOfExponent,
  MAGIC,
  MAX_LENGTH_EXPONENT,
  MAX_MAX_LENGTH,
  MIN_LENGTH_EXPONENT,
  MIN_MAX_LENGTH,
  SerializerId,
  type SerializerName,
  serializerName,
} from './constants.js';
export {
  RawSocketConnectionLostError,
  RawSocketError,
  RawSocketHandshakeError,
  RawSocketMessageTooBigError,
  RawSocketProtocolError,
  RawSocketRefusedError,
  RawSocketStateError,
} from './errors.js';
export {
  encodeFrame,
  encodeFrameHeader,
  type Frame,
  FrameReader,
  parseFrameHeader,
} from './frame.js';
export {
  encodeHandshakeError,
  encodeHandshakeReply,
  encodeHandshakeRequest,
  type HandshakeReply,
  type HandshakeRequest,
  parseHandshakeReply,
  parseHandshakeRequest,
} from './handshake.js';
