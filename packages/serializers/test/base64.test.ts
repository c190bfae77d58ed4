/** Our browser-safe base64 against Node's Buffer (the reference) on both size paths. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../src/base64.js';

describe('base64', () => {
  it('matches Buffer on random bytes, both directions', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        const text = encodeBase64(b);
        expect(text).toBe(Buffer.from(b).toString('base64'));
        expect(decodeBase64(text)).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });
  it('rejects malformed input on both paths', () => {
    for (const bad of ['a', 'ab!c', 'QQ=Q', `${'QUJD'.repeat(100)} `, `${'QUJD'.repeat(100)}*`]) {
      expect(decodeBase64(bad)).toBeUndefined();
    }
  });
});
