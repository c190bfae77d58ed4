/**
 * Starts a benchmark child like bench/lib/children.ts `Child.start`, but with the node flags
 * chosen by the caller: wampkit's client processes can then run without the `wampkit-source`
 * export condition, so that the workspace packages load from their built dist/ (plain tsc
 * output) rather than through tsx, whose transform adds `__name()` calls to named functions
 * (esbuild keepNames) that run on every call. The child side is the same `serveParent`.
 */
import { type ChildProcess, fork } from 'node:child_process';

export interface Peer {
  readonly name: string;
  request<T>(payload: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export function startPeer(
  name: string,
  entry: string,
  args: readonly string[],
  execArgv: readonly string[],
): Promise<Peer> {
  const proc: ChildProcess = fork(entry, [...args], {
    execArgv: [...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let exited = false;
  proc.on('message', (raw) => {
    const msg = raw as { id: number; error?: string };
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error !== undefined) w.reject(new Error(`${name}: ${msg.error}`));
    else w.resolve(msg);
  });
  proc.on('exit', (code, signal) => {
    exited = true;
    for (const w of waiting.values()) w.reject(new Error(`${name} exited (${code ?? signal})`));
    waiting.clear();
  });
  const peer: Peer = {
    name,
    request<T>(payload: Record<string, unknown>): Promise<T> {
      if (exited) return Promise.reject(new Error(`${name} has exited`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.send({ id, ...payload });
      });
    },
    async stop(): Promise<void> {
      if (exited) return;
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      // The child exits on `exit` without answering; the exit event is what we wait for.
      peer.request({ op: 'exit' }).catch(() => {});
      await gone;
    },
  };
  // serveParent sends `{ id: 0 }` once the child is ready.
  return new Promise((resolve, reject) => {
    waiting.set(0, { resolve: () => resolve(peer), reject });
  });
}
