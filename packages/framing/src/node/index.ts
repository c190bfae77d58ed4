/**
 * @wampkit/framing/node: WebSocket client and server over Node sockets (net and tls) on the
 * sans-IO engine, with node:zlib for permessage-deflate and Node's native UTF-8 validation.
 */
export {
  createNodeAccelerator,
  type NodeAcceleratorOptions,
  nodeAccelerator,
} from './accelerator.js';
export { type ConnectOptions, connect } from './client.js';
export { installNodeDefaults } from './defaults.js';
export { type ServerEvents, type ServerOptions, WebSocketServer } from './server.js';
export { type NodeSocketOptions, NodeWebSocket, type WebSocketEvents } from './websocket.js';
export { zlibCodec } from './zlib-codec.js';
