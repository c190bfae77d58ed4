/**
 * Size budget of the JSON-only browser client (issue 8): an app that connects, calls, registers,
 * publishes and subscribes, bundled by esbuild for the browser (minified, code-split), must load
 * at most BUDGET gzip bytes before it starts (test-fixtures/bundlers/size.ts says how that is
 * measured; `pnpm bench size` prints the full table next to wampy and Autobahn|JS). The budget
 * is for the small client, `wampkit/basic`; the full `wampkit` has a ceiling of its own so its
 * growth is caught too.
 */
import { describe, expect, it } from 'vitest';
import {
  measureClient,
  type SizeFigures,
  WAMPKIT_BASIC_CLIENT,
  WAMPKIT_JSON_CLIENT,
} from '../../../test-fixtures/bundlers/size.js';

/** Issue 8's budget in gzip bytes (kraftfahrstrasse 6.4 KB, wampy 8.8 KB measured the same way). */
const BUDGET = 6 * 1024;
/** The full client's ceiling: 20.1 KB measured when wampkit/basic was introduced, plus 3%. */
const FULL_CEILING = 21 * 1024;

function heaviest(size: SizeFigures): string {
  return size.modules
    .slice(0, 12)
    .map((m) => `${m.path} ${m.bytes}`)
    .join('\n');
}

describe('JSON-only browser client size', () => {
  it(`wampkit/basic loads at most ${BUDGET} bytes min+gzip, JSON only`, async () => {
    const size = await measureClient(WAMPKIT_BASIC_CLIENT, { conditions: ['wampkit-source'] });
    const initial = size.modules.map((m) => m.path);
    for (const s of ['msgpack', 'cbor', 'ubjson', 'flatbuffers']) {
      expect(initial.filter((p) => p.includes(s))).toEqual([]);
    }
    expect(initial.filter((p) => p.includes('framing/'))).toEqual([]);
    expect(
      size.gzip,
      `min+gzip ${size.gzip} B; heaviest modules:\n${heaviest(size)}`,
    ).toBeLessThanOrEqual(BUDGET);
  });

  it(`wampkit loads at most ${FULL_CEILING} bytes, with no binary serializer in the initial load`, async () => {
    const size = await measureClient(WAMPKIT_JSON_CLIENT, { conditions: ['wampkit-source'] });
    const initial = size.modules.map((m) => m.path);
    for (const s of ['msgpack', 'cbor', 'ubjson', 'flatbuffers']) {
      expect(initial.filter((p) => p.includes(`serializers/src/${s}`))).toEqual([]);
    }
    expect(initial.filter((p) => p.includes('framing/'))).toEqual([]);
    expect(size.lazy.length).toBeGreaterThanOrEqual(4);
    expect(
      size.gzip,
      `min+gzip ${size.gzip} B; heaviest modules:\n${heaviest(size)}`,
    ).toBeLessThanOrEqual(FULL_CEILING);
  });
});
