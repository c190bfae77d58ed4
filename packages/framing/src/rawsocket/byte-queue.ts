/**
 * A queue of received chunks that hands out exact byte counts without re-concatenating the
 * whole buffer on every read (a stream parser's input side).
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Read position inside chunks[0]. */
  private offset = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.total += bytes.length;
  }

  /** Byte `index` positions ahead of the read position (index < length). */
  peek(index: number): number {
    let i = index + this.offset;
    for (const chunk of this.chunks) {
      if (i < chunk.length) return chunk[i] ?? 0;
      i -= chunk.length;
    }
    throw new RangeError('ByteQueue.peek beyond the buffered bytes');
  }

  /** Removes and returns the next `n` bytes as a new array (n <= length). */
  take(n: number): Uint8Array {
    if (n > this.total) throw new RangeError('ByteQueue.take beyond the buffered bytes');
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0] as Uint8Array;
      const available = chunk.length - this.offset;
      const count = Math.min(available, n - filled);
      out.set(chunk.subarray(this.offset, this.offset + count), filled);
      filled += count;
      if (count === available) {
        this.chunks.shift();
        this.offset = 0;
      } else {
        this.offset += count;
      }
    }
    this.total -= n;
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.offset = 0;
    this.total = 0;
  }
}
