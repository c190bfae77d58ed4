/** WAMP message type codes (spec wamp.md "Message Codes and Direction"; EVENT_RECEIVED 337 is provisional). */
export const MessageCode = {
  HELLO: 1,
  WELCOME: 2,
  ABORT: 3,
  CHALLENGE: 4,
  AUTHENTICATE: 5,
  GOODBYE: 6,
  ERROR: 8,
  PUBLISH: 16,
  PUBLISHED: 17,
  SUBSCRIBE: 32,
  SUBSCRIBED: 33,
  UNSUBSCRIBE: 34,
  UNSUBSCRIBED: 35,
  EVENT: 36,
  EVENT_RECEIVED: 337,
  CALL: 48,
  CANCEL: 49,
  RESULT: 50,
  REGISTER: 64,
  REGISTERED: 65,
  UNREGISTER: 66,
  UNREGISTERED: 67,
  INVOCATION: 68,
  INTERRUPT: 69,
  YIELD: 70,
} as const;

/** The name of a WAMP message type (HELLO, WELCOME, ...). */
export type MessageTypeName = keyof typeof MessageCode;
/** The numeric code of a WAMP message type (1 HELLO ... 70 YIELD). */
export type MessageTypeCode = (typeof MessageCode)[MessageTypeName];

const NAMES = new Map<number, MessageTypeName>(
  (Object.keys(MessageCode) as MessageTypeName[]).map((name) => [MessageCode[name], name]),
);

/** The message type name for a code, or undefined when the code is not a WAMP message type. */
export function messageTypeName(code: number): MessageTypeName | undefined {
  return NAMES.get(code);
}
