/**
 * @wampkit/framing: a sans-IO WebSocket engine (RFC 6455) with permessage-deflate (RFC 7692).
 * The Node adapter (sockets, TLS, timers) is the `@wampkit/framing/node` entry.
 */
export {
  type Accelerator,
  type AcceleratorOptions,
  type AcceleratorPaths,
  BulkUtf8Validator,
  getAccelerator,
  jsAccelerator,
  selectAccelerator,
  setAccelerator,
} from './accel/accelerator.js';
export { maskJs } from './accel/mask.js';
export { isUtf8Js, JsUtf8Validator, type Utf8Validator } from './accel/utf8.js';
export { CloseCode, isValidWireCloseCode } from './close-codes.js';
export {
  type AcceptOptions,
  type ClientHandshakeOptions,
  type CloseInfo,
  type ConnectionHandler,
  type ConnectionOptions,
  type ConnectionState,
  type HandshakeRequest,
  type Limits,
  type OpenInfo,
  type Role,
  type SendOptions,
  WebSocketConnection,
} from './connection.js';
export {
  ConnectionLostError,
  HandshakeError,
  InternalError,
  InvalidPayloadError,
  InvalidStateError,
  MessageTooBigError,
  ProtocolError,
  WebSocketError,
} from './errors.js';
export {
  type CodecParams,
  type DeflateCodec,
  type DeflateCodecFactory,
  fflateCodec,
} from './extensions/deflate-codec.js';
export { type ExtensionOffer, formatExtension, parseExtensions } from './extensions/header.js';
export type { DeflateOptions, DeflateParams } from './extensions/permessage-deflate.js';
export { Opcode } from './frame.js';
export { HeaderList } from './handshake/http.js';
export { acceptKey } from './handshake/opening.js';
