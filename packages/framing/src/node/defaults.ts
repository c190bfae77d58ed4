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

/**
 * Buffer-backed allocation and UTF-8 encoding for the engine in Node. Measured (bench/README.md,
 * "Engine optimizations", and `pnpm bench websocket`): `new Uint8Array(n)` zero-fills
 * and allocates off-heap for every frame (~0.6 us at 1 KiB, ~8 us at 64 KiB on the bench
 * machine), `Buffer.allocUnsafe` skips the fill and pools buffers under 4 KiB (~0.2 / ~1.3 us);
 * TextEncoder.encode costs ~0.7 us for 16 B and ~18 us for 64 KiB, Buffer's UTF-8 writer
 * ~0.05 / ~2.5 us straight into the frame. Buffers also reach socket.write without conversion.
 */
export const nodeEngineOptions: Pick<ConnectionOptions, 'allocate' | 'textEncoding'> = {
  allocate: (size) => Buffer.allocUnsafe(size),
  textEncoding: {
    byteLength: (text) => Buffer.byteLength(text, 'utf8'),
    encodeInto: (text, dest, offset) => {
      const buf = Buffer.isBuffer(dest)
        ? dest
        : Buffer.from(dest.buffer, dest.byteOffset, dest.byteLength);
      buf.write(text, offset, 'utf8');
    },
  },
};

/** Uses node:zlib for permessage-deflate unless the options name another codec. */
export function withNodeCodec<T extends ConnectionOptions>(options: T): T {
  if (!options.deflate) return options;
  const deflate = options.deflate === true ? {} : options.deflate;
  return { ...options, deflate: { codec: zlibCodec, ...deflate } };
}
