/**
 * Growable output for the binary encoders. Messages are written one after another into a
 * shared chunk and handed out as views of it (no copy per message); a chunk is never written
 * again once handed out, a full chunk is replaced by a new one.
 */
const CHUNK = 16 * 1024;

export class Output {
  buf = new Uint8Array(CHUNK);
  view = new DataView(this.buf.buffer);
  pos = 0;
  start = 0;

  /** Starts a message. */
  begin(): void {
    if (this.buf.length - this.pos < 256) this.replace(0);
    this.start = this.pos;
  }

  ensure(n: number): void {
    if (n > this.buf.length - this.pos) this.replace(n);
  }

  /** Moves the message written so far into a new chunk with room for `n` more bytes. */
  private replace(n: number): void {
    const used = this.pos - this.start;
    // Room for this write and then some: up to 3x more (at most 1 MiB more) so the next
    // few messages of this size fit without a new allocation (allocating a 64 KiB buffer
    // costs more than writing it: bench/serializers.bench.ts bin64k went from ~26k to ~50k
    // msgs/s), and at least half the message again so gradual growth stays geometric.
    const need = used + n;
    const next = new Uint8Array(
      Math.max(CHUNK, need + Math.max(need >> 1, Math.min(3 * need, 1 << 20))),
    );
    if (used > 0) next.set(this.buf.subarray(this.start, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.start = 0;
    this.pos = used;
  }

  /** The finished message (a view; plain Uint8Array). */
  finish(): Uint8Array {
    return this.buf.subarray(this.start, this.pos);
  }

  /** Forgets a message that failed half-way. */
  abandon(): void {
    this.pos = this.start;
  }
}
