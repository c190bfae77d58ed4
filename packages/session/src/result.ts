/** What a callee handler returns (or yields) to control the YIELD it sends. */
import type { Dict } from '@wampkit/serializers';
import type { PassthruOptions } from './types.js';

/**
 * A callee's result with explicit args/kwargs (a plain return value `v` is sent as `args: [v]`,
 * `undefined` as no arguments), or a Payload PassThru mode payload.
 */
export class Result<A extends unknown[] = unknown[], K extends Dict = Dict> {
  readonly args: A | undefined;
  readonly kwargs: K | undefined;
  readonly payload: Uint8Array | undefined;
  readonly ppt: PassthruOptions | undefined;
  /** Extra YIELD.Options entries. */
  readonly options: Dict;

  constructor(
    args?: A,
    kwargs?: K,
    extra?: { payload?: Uint8Array; ppt?: PassthruOptions; options?: Dict },
  ) {
    this.args = args;
    this.kwargs = kwargs;
    this.payload = extra?.payload;
    this.ppt = extra?.ppt;
    this.options = extra?.options ?? {};
  }
}
