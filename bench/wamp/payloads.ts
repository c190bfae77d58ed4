/**
 * Call arguments for the WAMP benchmark: the same `args` list goes out with every CALL (and comes
 * back in the RESULT, the callee echoes it) or PUBLISH, for every client and serializer.
 */

export type PayloadName = 'small' | '1k';

/** Size of the `args` list in JSON, in bytes, for the sized payload. */
export const KIB = 1024;

/** A short args list: one int and one short string (13 bytes of JSON). */
export function smallArgs(): unknown[] {
  return [42, 'hello'];
}

/**
 * One record of mixed field types (ints, floats, booleans, strings, a nested list) whose args
 * list `[record]` is exactly `size` bytes of JSON, like an application's typical object payload.
 * Every value is plain JSON so all three serializers carry it the same (no bytes, no big ints).
 */
export function recordArgs(size: number): unknown[] {
  const record: Record<string, unknown> = { id: 7_340_121, name: 'sensor-array-north', pad: '' };
  for (let i = 0; ; i++) {
    const key = `reading_${i}`;
    const value = { t: 1_700_000_000 + i * 15, v: ((i * 37) % 400) / 8, ok: i % 3 !== 0 };
    record[key] = value;
    if (JSON.stringify([record]).length > size) {
      delete record[key];
      break;
    }
  }
  record.tags = ['north', 'roof'];
  const bare = JSON.stringify([record]).length;
  if (bare > size) delete record.tags;
  record.pad = 'x'.repeat(size - JSON.stringify([record]).length);
  const args = [record];
  const length = JSON.stringify(args).length;
  if (length !== size) throw new Error(`recordArgs(${size}) produced ${length} bytes of JSON`);
  return args;
}

export function argsFor(name: PayloadName): unknown[] {
  return name === 'small' ? smallArgs() : recordArgs(KIB);
}
