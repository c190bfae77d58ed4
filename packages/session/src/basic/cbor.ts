/** `wampkit/basic/cbor`: the CBOR serializer for the Basic client. */
import { cborCodec } from '@wampkit/serializers/cbor';
import { binaryCodec } from './binary-codec.js';
import type { BasicCodec } from './codec.js';

/** The CBOR serializer, subprotocol `wamp.2.cbor` (spec wamp.md "CBOR"). */
export const cbor: BasicCodec = /* @__PURE__ */ binaryCodec('cbor', cborCodec);
