/**
 * wampkit/basic: the small client. WAMP Basic Profile RPC and PubSub (plus authentication,
 * pattern-based registration/subscription and call canceling) over the runtime's WebSocket,
 * JSON by default, msgpack/cbor on request. The whole JSON client loads in about a third of
 * what `wampkit` does; use `wampkit` for the Advanced Profile (progressive calls, PassThru,
 * event iterators, backpressure, reconnecting components, RawSocket, Node transports).
 */
export * from '@wampkit/session/basic';
