/**
 * Size budget of the JSON-only browser client (issue 8): an app that connects, calls, registers,
 * publishes and subscribes, bundled by esbuild for the browser (minified, code-split), must load
 * at most BUDGET gzip bytes before it starts (test-fixtures/bundlers/size.ts says how that is
 * measured; `pnpm bench size` prints the full table next to wampy and Autobahn|JS).
 */
import { describe, expect, it } from 'vitest';
import { measureClient, WAMPKIT_JSON_CLIENT } from '../../../test-fixtures/bundlers/size.js';

/** Issue 8's budget in gzip bytes: not met yet (20.0 KB measured; `pnpm bench size`). */
export const TARGET = 6 * 1024;
/**
 * What this test enforces until the session is restructured to meet TARGET: the size measured
 * when the test was written (20 454 B) plus 3%, so growth is caught while the gap is closed.
 * Lower it with every saving; it becomes TARGET when that is reached.
 */
const BUDGET = 21 * 1024;

describe('JSON-only browser client size', () => {
  it(`loads at most ${BUDGET} bytes min+gzip, with no binary serializer in the initial load`, async () => {
    const size = await measureClient(WAMPKIT_JSON_CLIENT, { conditions: ['wampkit-source'] });
    const heaviest = size.modules
      .slice(0, 12)
      .map((m) => `${m.path} ${m.bytes}`)
      .join('\n');
    const initial = size.modules.map((m) => m.path);
    for (const s of ['msgpack', 'cbor', 'ubjson', 'flatbuffers']) {
      expect(initial.filter((p) => p.includes(`serializers/src/${s}`))).toEqual([]);
    }
    expect(initial.filter((p) => p.includes('framing/'))).toEqual([]);
    expect(size.lazy.length).toBeGreaterThanOrEqual(4);
    expect(
      size.gzip,
      `min+gzip ${size.gzip} B; heaviest modules (min bytes):\n${heaviest}`,
    ).toBeLessThanOrEqual(BUDGET);
  });
});
