/** `wampkit/basic/msgpack`: the MessagePack serializer for the Basic client. */
import { msgpackCodec } from '@wampkit/serializers/msgpack';
import { binaryCodec } from './binary-codec.js';
import type { BasicCodec } from './codec.js';

/** The MessagePack serializer, subprotocol `wamp.2.msgpack` (spec wamp.md "MessagePack"). */
export const msgpack: BasicCodec = /* @__PURE__ */ binaryCodec('msgpack', msgpackCodec);
