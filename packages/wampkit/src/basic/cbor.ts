/** `wampkit/basic/cbor`: the cbor serializer for the Basic client (`connect({ serializer: cbor })`). */
export * from '@wampkit/session/basic/cbor';
