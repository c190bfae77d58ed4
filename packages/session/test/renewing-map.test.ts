/**
 * RenewingMap (issue 9): the request and invocation tables move into a fresh Map every 1024
 * insertions (see src/renewing-map.ts for the GC reason). Entries, order and size must survive
 * every renewal, deletes included, whatever the mix of operations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RenewingMap } from '../src/renewing-map.js';

describe('RenewingMap', () => {
  it('behaves as a Map across renewals (model-based)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 300 }) }),
            fc.record({
              op: fc.constant('delete' as const),
              key: fc.integer({ min: 0, max: 300 }),
            }),
            fc.record({ op: fc.constant('clear' as const), key: fc.constant(0) }),
          ),
          { minLength: 1500, maxLength: 4000 },
        ),
        (ops) => {
          const model = new Map<number, number>();
          const map = new RenewingMap<number, number>();
          ops.forEach(({ op, key }, i) => {
            if (op === 'set') {
              model.set(key, i);
              map.set(key, i);
            } else if (op === 'delete') {
              expect(map.delete(key)).toBe(model.delete(key));
            } else if (i % 97 === 0) {
              model.clear();
              map.clear();
            }
            expect(map.size).toBe(model.size);
            expect(map.get(key)).toBe(model.get(key));
            expect(map.has(key)).toBe(model.has(key));
          });
          expect([...map.values()]).toEqual([...model.values()]);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('keeps a long-running table of 100 entries in flight intact', () => {
    const map = new RenewingMap<number, { id: number }>();
    for (let id = 1; id <= 100; id++) map.set(id, { id });
    for (let id = 101; id <= 10_000; id++) {
      expect(map.get(id - 100)?.id).toBe(id - 100);
      map.delete(id - 100);
      map.set(id, { id });
      expect(map.size).toBe(100);
    }
    expect([...map.values()].map((v) => v.id)).toEqual(
      Array.from({ length: 100 }, (_, i) => 9901 + i),
    );
  });
});
