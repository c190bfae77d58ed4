/**
 * A minimal typed event emitter. Unlike node:events it never throws for an unhandled 'error'
 * event: faults also arrive in the 'close' event's info, so an unobserved error cannot crash
 * the process. A listener that throws is reported on the next tick, not inside the engine.
 */
type Listener<A extends unknown[]> = (...args: A) => void;

export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  private listeners: { [K in keyof Events]?: Array<{ fn: Listener<Events[K]>; once: boolean }> } =
    {};

  /** Adds a listener for `event`. */
  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): this {
    return this.add(event, fn, false);
  }

  /** Adds a listener for `event` that is removed after its first call. */
  once<K extends keyof Events>(event: K, fn: Listener<Events[K]>): this {
    return this.add(event, fn, true);
  }

  private add<K extends keyof Events>(event: K, fn: Listener<Events[K]>, once: boolean): this {
    const list = this.listeners[event] ?? [];
    list.push({ fn, once });
    this.listeners[event] = list;
    return this;
  }

  /** Removes a listener added with on() or once(). */
  off<K extends keyof Events>(event: K, fn: Listener<Events[K]>): this {
    const list = this.listeners[event];
    if (list) this.listeners[event] = list.filter((l) => l.fn !== fn);
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount<K extends keyof Events>(event: K): number {
    return this.listeners[event]?.length ?? 0;
  }

  /** Calls the listeners of `event` with `args`; a listener that throws is reported on the next tick. */
  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const list = this.listeners[event];
    if (!list || list.length === 0) return;
    // Runs for every message: plain loops, no callback allocated per emit.
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.once) {
        this.listeners[event] = list.filter((l) => !l.once);
        break;
      }
    }
    for (let i = 0; i < list.length; i++) {
      const l = list[i]!;
      try {
        l.fn(...args);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
