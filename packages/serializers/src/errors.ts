/** What a ProtocolViolationError points at: the WAMP message type and field, when known. */
export interface ProtocolViolationContext {
  /** WAMP message type name, e.g. `CALL`. */
  messageType?: string;
  /** Field path inside the message, e.g. `options.timeout`. */
  field?: string;
  cause?: unknown;
}

/**
 * A peer sent bytes that are not a valid WAMP message: undecodable bytes, wrong arity, wrong
 * field types, a bad URI, an ID outside [0, 2^53], or input over a decoder limit. The session
 * layer answers it with ABORT `wamp.error.protocol_violation`.
 */
export class ProtocolViolationError extends Error {
  override readonly name = 'ProtocolViolationError';
  readonly messageType: string | undefined;
  readonly field: string | undefined;

  constructor(message: string, context: ProtocolViolationContext = {}) {
    const where = [context.messageType, context.field].filter(Boolean).join(' ');
    super(where ? `${where}: ${message}` : message, { cause: context.cause });
    this.messageType = context.messageType;
    this.field = context.field;
  }
}

/**
 * Local misuse: a message or value handed to `serialize` that cannot be encoded (an invalid
 * message object, a value the format cannot carry, a field the FlatBuffers schema has no slot
 * for in strict mode). Never raised for bytes received from a peer.
 */
export class SerializationError extends Error {
  override readonly name = 'SerializationError';
}
