/**
 * The Publisher role: PUBLISH, and with `acknowledge` its PUBLISHED or ERROR (spec wamp.md
 * "Publishing and Events"), with publisher exclusion and identification, subscriber black- and
 * whitelisting, event retention and payload passthru (wamp-ap.md "Publisher Exclusion",
 * "Publisher Identification", "Subscriber Black- and Whitelisting", "Event Retention", "Payload
 * PassThru Mode"). A PUBLISH goes through the send gate: while the send queue is full it waits
 * (in order with calls), and `options.signal` can withdraw it before it is sent.
 */
import type { Dict, PublishMessage } from '@wampkit/serializers';
import { CanceledError } from '../errors.js';
import type { SessionCore } from '../session-core.js';
import type { Publication, PublishOptions } from '../types.js';
import { publishOptions } from '../wire.js';

export class Publisher {
  constructor(private readonly core: SessionCore) {}

  publish(
    topic: string,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
    options: PublishOptions,
  ): Promise<Publication | undefined> {
    try {
      this.core.requirePassthru('broker', options.payload);
      const signal = options.signal;
      if (signal?.aborted) {
        throw new CanceledError(`publish to ${topic} was canceled before it started`, {
          cause: signal.reason,
        });
      }
      const wireOptions = publishOptions(options);
      const build = (request: number): PublishMessage => {
        const msg: PublishMessage = { type: 'PUBLISH', request, options: wireOptions, topic };
        if (options.payload !== undefined) msg.payload = options.payload;
        else {
          if (args !== undefined) msg.args = args;
          if (kwargs !== undefined) msg.kwargs = kwargs;
        }
        return msg;
      };
      if (this.core.gate.sendsNow(true)) {
        // Nothing waits for room: the PUBLISH goes out now, with no send gate entry and nothing
        // to withdraw (the signal no longer matters once it is sent).
        return new Promise((resolve, reject) => {
          try {
            this.core.checkNewRequest();
            this.core.openRequest(
              undefined,
              build,
              options.acknowledge
                ? (request) => ({
                    kind: 'publish',
                    request,
                    resolve: (m) =>
                      resolve({ publication: (m as { publication: number }).publication }),
                    reject,
                  })
                : undefined,
            );
          } catch (e) {
            reject(e);
            return;
          }
          if (!options.acknowledge) resolve(undefined);
        });
      }
      return new Promise((resolve, reject) => {
        const owner = {};
        let onAbort: (() => void) | undefined;
        const unlisten = () => {
          if (onAbort) signal?.removeEventListener('abort', onAbort);
        };
        const fail = (e: Error) => {
          unlisten();
          this.core.withdraw(owner);
          reject(e);
        };
        const send = () => {
          this.core.openRequest(
            owner,
            build,
            options.acknowledge
              ? (request) => ({
                  kind: 'publish',
                  request,
                  resolve: (m) =>
                    resolve({ publication: (m as { publication: number }).publication }),
                  reject,
                })
              : undefined,
          );
          unlisten();
          if (!options.acknowledge) resolve(undefined);
        };
        try {
          this.core.admit(owner, fail);
          this.core.gate.submit({ owner, needsRoom: true, send, fail });
        } catch (e) {
          fail(e as Error);
          return;
        }
        if (signal && this.core.isUnsent(owner)) {
          // Waiting for room in the send queue: aborting withdraws it (nothing was sent).
          onAbort = () => {
            if (this.core.isUnsent(owner)) {
              fail(new CanceledError(`publish to ${topic} was canceled`, { cause: signal.reason }));
            }
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }
}
