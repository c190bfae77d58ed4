/**
 * @wampkit/serializers: the WAMP message model and its validation, the Serializer interface,
 * and the JSON serializer. The binary serializers live in their own subpath exports
 * (`/msgpack`, `/cbor`, `/ubjson`, `/flatbuffers`) so a JSON-only bundle carries none of them.
 */

export { decodeBase64, encodeBase64 } from './base64.js';
export {
  type ProtocolViolationContext,
  ProtocolViolationError,
  SerializationError,
} from './errors.js';
export { createJsonSerializer, decodeJson, encodeJson, jsonCodec, jsonSerializer } from './json.js';
export { DEFAULT_LIMITS, type DecodeLimits } from './limits.js';
export {
  MessageCode,
  type MessageTypeCode,
  type MessageTypeName,
  messageTypeName,
} from './message-types.js';
export type * from './messages.js';
export {
  RAWSOCKET_SERIALIZER_ID,
  type Serializer,
  type SerializerId,
  type SerializerOptions,
  type Subprotocol,
  type ValueCodec,
} from './serializer.js';
export { utf8Length } from './utf8-length.js';
export { isDict, isId, isValidUri, MAX_ID, type UriMatch } from './validate.js';
export { messageFromArray, messageToArray, validateMessage } from './wire.js';
