/** A long-lived Autobahn|Python process answering JSON-lines requests (autobahn_auth_peer.py). */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export class PythonPeer {
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly #waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #next = 1;
  #stderr = '';

  constructor() {
    this.#proc = spawn(
      '/usr/bin/python3',
      [resolve(import.meta.dirname, 'autobahn_auth_peer.py')],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.#proc.stderr.on('data', (d) => {
      this.#stderr += d;
    });
    this.#proc.on('exit', (code) => {
      for (const w of this.#waiting.values())
        w.reject(new Error(`python exited ${code}: ${this.#stderr}`));
      this.#waiting.clear();
    });
    createInterface({ input: this.#proc.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as { id: number; ok?: unknown; error?: string };
      const w = this.#waiting.get(msg.id);
      this.#waiting.delete(msg.id);
      if (msg.error !== undefined) w?.reject(new Error(`python: ${msg.error}`));
      else w?.resolve(msg.ok);
    });
  }

  call<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((res, rej) => {
      this.#waiting.set(id, { resolve: res as (v: unknown) => void, reject: rej });
      this.#proc.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  close(): void {
    this.#proc.stdin.end();
  }
}
