/**
 * Child processes for benchmarks that need both ends of a connection on their own core: each
 * child runs a TypeScript entry through tsx with the `wampkit-source` condition and talks to the
 * parent over the IPC channel with request/response messages `{ id, ...payload }`.
 */
import { type ChildProcess, fork } from 'node:child_process';

export interface ChildOptions {
  /** Extra node flags for this child (e.g. --cpu-prof). */
  nodeArgs?: readonly string[];
  env?: Record<string, string>;
}

export class Child {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    proc.on('message', (raw) => {
      const msg = raw as { id: number; error?: string };
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.error !== undefined) w.reject(new Error(`${this.name}: ${msg.error}`));
      else w.resolve(msg);
    });
    proc.on('exit', (code, signal) => {
      this.exited = true;
      for (const w of this.waiting.values())
        w.reject(new Error(`${this.name} exited (code ${code}, signal ${signal})`));
      this.waiting.clear();
    });
  }

  /** Starts `entry` (an absolute .ts path) with `args`; resolves once it sent `{ id: 0 }`. */
  static start(
    name: string,
    entry: string,
    args: readonly string[],
    options: ChildOptions = {},
  ): Promise<Child> {
    const proc = fork(entry, [...args], {
      execArgv: ['--conditions=wampkit-source', '--import', 'tsx', ...(options.nodeArgs ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child = new Child(name, proc);
    return new Promise((resolve, reject) => {
      child.waiting.set(0, { resolve: () => resolve(child), reject });
    });
  }

  /** Sends a request and resolves with the child's answer. */
  request<T>(payload: Record<string, unknown>): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ id, ...payload });
    });
  }

  /** Asks the child to exit cleanly (so --cpu-prof writes its profile) and waits for it. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    try {
      await this.request({ op: 'exit' });
    } catch {
      // It exits before answering; the 'exit' event is what we wait for.
    }
    await gone;
  }
}

/**
 * Child side: answer the parent's requests with `handle`; `{ op: 'exit' }` ends the process.
 * Sends `{ id: 0 }` once ready.
 */
export function serveParent(
  handle: (msg: Record<string, unknown>) => Promise<Record<string, unknown>>,
): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('this script is a benchmark child; run it through its .bench.ts');
  process.on('message', (raw) => {
    const msg = raw as { id: number; op: string };
    if (msg.op === 'exit') {
      process.disconnect();
      process.exit(0);
    }
    handle(msg).then(
      (result) => send({ ...result, id: msg.id }),
      (err: unknown) => send({ id: msg.id, error: String((err as Error)?.stack ?? err) }),
    );
  });
  send({ id: 0 });
}

/** Heap used and RSS of this process after a full GC (the process needs --expose-gc). */
export function liveMemory(): { heapUsed: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory figures need node --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}
