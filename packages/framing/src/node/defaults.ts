/** Node-specific defaults: the accelerator and the node:zlib deflate codec. */
import { setAccelerator } from '../accel/accelerator.js';
import type { ConnectionOptions } from '../connection.js';
import { nodeAccelerator } from './accelerator.js';
import { zlibCodec } from './zlib-codec.js';

let installed = false;

/** Installs the Node accelerator as the default, once (called by connect/createServer). */
export function installNodeDefaults(): void {
  if (installed) return;
  installed = true;
  setAccelerator(nodeAccelerator);
}

/** Uses node:zlib for permessage-deflate unless the options name another codec. */
export function withNodeCodec<T extends ConnectionOptions>(options: T): T {
  if (!options.deflate) return options;
  const deflate = options.deflate === true ? {} : options.deflate;
  return { ...options, deflate: { codec: zlibCodec, ...deflate } };
}
