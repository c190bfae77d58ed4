/**
 * Reconnect delays: exponential backoff with "full jitter" (AWS Architecture Blog, "Exponential
 * Backoff And Jitter", 2015): the n-th retry waits a uniformly random time in
 * [0, min(maxDelay, initialDelay * multiplier^n)), so clients that lost the same router at the
 * same moment do not all come back at the same moment.
 */

export interface BackoffOptions {
  /** Upper bound of the first delay, ms. Default 500. */
  initialDelay?: number;
  /** Cap of the upper bound, ms. Default 30 000. */
  maxDelay?: number;
  /** Growth of the upper bound per retry. Default 2. */
  multiplier?: number;
  /** Connection attempts that may fail in a row before the Component gives up (state
   * 'failed'). Default Infinity. */
  maxRetries?: number;
  /** 'full' (default): uniform in [0, bound); 'none': exactly the bound (tests, debugging). */
  jitter?: 'full' | 'none';
  /** Source of randomness in [0, 1). Default Math.random. */
  random?: () => number;
}

/** The delay before retry number `retry` (0 for the first retry), ms. */
export function backoffDelay(retry: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelay ?? 500;
  const cap = options.maxDelay ?? 30_000;
  const multiplier = options.multiplier ?? 2;
  // Math.min first: multiplier ** retry overflows to Infinity, never to NaN, for large retries.
  const bound = Math.min(cap, initial * multiplier ** Math.max(0, retry));
  if (options.jitter === 'none') return bound;
  const r = (options.random ?? Math.random)();
  return Math.floor(Math.min(Math.max(r, 0), 1 - Number.EPSILON) * bound);
}
