/** `wampkit/basic/msgpack`: the msgpack serializer for the Basic client (`connect({ serializer: msgpack })`). */
export * from '@wampkit/session/basic/msgpack';
