/**
 * Mapping between WAMP dictionary strings and the FlatBuffers schema's enums
 * (shared/wamp-spec/flatbuffers/types.fbs, auth.fbs).
 */
import { MessageCode } from '../message-types.js';

/**
 * The union discriminator in `Message.msg_type`. The schema declares `AnyMessage` without
 * explicit values (which would number them 1..25), but Autobahn|Python — the implementation
 * that produced the test vectors — writes the `MessageType` enum value (the WAMP message code,
 * EVENT_RECEIVED = 37) there. We follow the bytes on the wire.
 */
export const FB_TYPE: Readonly<Record<string, number>> = {
  ...MessageCode,
  EVENT_RECEIVED: 37,
};

/** MessageType enum value -> WAMP message code (only EVENT_RECEIVED differs: 37 vs 337). */
export function wampCodeOfFbType(t: number): number {
  return t === 37 ? MessageCode.EVENT_RECEIVED : t;
}
export function fbTypeOfWampCode(code: number): number {
  return code === MessageCode.EVENT_RECEIVED ? 37 : code;
}

function table(names: readonly (string | null)[]): {
  toName: (v: number) => string | undefined;
  toValue: (s: string) => number | undefined;
} {
  return {
    toName: (v) => names[v] ?? undefined,
    toValue: (s) => {
      const i = names.indexOf(s);
      return i < 0 ? undefined : i;
    },
  };
}

/** PPTScheme: NONE, CRYPTOBOX, MQTT, XBR, OPAQUE (dictionary key `enc_algo`). */
export const PPT_SCHEME = table([null, 'cryptobox', 'mqtt', 'xbr', 'opaque']);
/** PPTSerializer (dictionary key `enc_serializer`). */
export const PPT_SERIALIZER = table([
  null,
  'json',
  'msgpack',
  'cbor',
  'ubjson',
  'opaque',
  'flatbuffers',
  'flexbuffers',
]);
/** PPTCipher (dictionary key `ppt_cipher`). */
export const PPT_CIPHER = table([null, 'xsalsa20poly1305', 'aes256gcm']);
/** AuthMethod (spec wamp-ap.md "Authentication Methods"). */
export const AUTH_METHOD = table(['anonymous', 'ticket', 'wampcra', 'wamp-scram', 'cryptosign']);
/** Match (EXACT is the default and is left out of decoded options). */
export const MATCH = table([null, 'prefix', 'wildcard']);
export const MATCH_VALUES: Readonly<Record<string, number>> = { exact: 0, prefix: 1, wildcard: 2 };
/** InvocationPolicy (SINGLE is the default). */
export const INVOKE = table(['single', 'first', 'last', 'roundrobin', 'random']);
/** CancelMode. CANCEL's default is SKIP, INTERRUPT's is KILL. */
export const CANCEL_MODE = table(['skip', 'kill', 'killnowait']);

/** Role feature flags the schema has slots for (roles.fbs), per role. */
export const ROLE_FEATURES: Readonly<Record<string, readonly string[]>> = {
  publisher: [
    'publisher_identification',
    'publisher_exclusion',
    'subscriber_blackwhite_listing',
    'acknowledge_event_received',
    'payload_transparency',
    'payload_encryption_cryptobox',
  ],
  subscriber: [
    'publisher_identification',
    'pattern_based_subscription',
    'publication_trustlevels',
    'subscription_revocation',
    'event_history',
    'acknowledge_subscriber_received',
    'payload_transparency',
    'payload_encryption_cryptobox',
  ],
  caller: [
    'caller_identification',
    'call_timeout',
    'call_canceling',
    'progressive_call_results',
    'payload_transparency',
    'payload_encryption_cryptobox',
  ],
  callee: [
    'caller_identification',
    'call_trustlevels',
    'call_timeout',
    'call_canceling',
    'progressive_call_results',
    'registration_revocation',
    'pattern_based_registration',
    'shared_registration',
    'payload_transparency',
    'payload_encryption_cryptobox',
  ],
  broker: [
    'publisher_identification',
    'publisher_exclusion',
    'subscriber_blackwhite_listing',
    'pattern_based_subscription',
    'publication_trustlevels',
    'subscription_revocation',
    'session_meta_api',
    'subscription_meta_api',
    'event_retention',
    'event_history',
    'acknowledge_event_received',
    'acknowledge_subscriber_received',
    'payload_transparency',
    'payload_encryption_cryptobox',
  ],
  dealer: [
    'caller_identification',
    'call_trustlevels',
    'call_timeout',
    'call_canceling',
    'progressive_call_results',
    'registration_revocation',
    'pattern_based_registration',
    'shared_registration',
    'session_meta_api',
    'registration_meta_api',
    'testament_meta_api',
    'payload_transparency',
    'payload_encryption_cryptobox',
  ],
};
