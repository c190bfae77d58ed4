/** Typed errors of @wampkit/router. */

/** Invalid router options (e.g. a send-queue bound smaller than the largest message). */
export class RouterConfigError extends Error {
  override readonly name = 'RouterConfigError';
}
