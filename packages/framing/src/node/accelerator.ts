/**
 * The accelerator the Node adapter installs: Node's `buffer.isUtf8` (simdutf, native) for UTF-8
 * validation, and the pure-TS masking until faster paths are measured and plugged in here.
 */
import { isUtf8 } from 'node:buffer';
import { type Accelerator, BulkUtf8Validator, jsAccelerator } from '../accel/accelerator.js';

const nodeIsUtf8 = (bytes: Uint8Array, start: number, end: number): boolean =>
  isUtf8(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));

export const nodeAccelerator: Accelerator = {
  name: 'node(isUtf8)+js(mask)',
  mask: jsAccelerator.mask,
  isUtf8: nodeIsUtf8,
  createUtf8Validator: () => new BulkUtf8Validator(nodeIsUtf8),
};
