/** URI matching and best-match ranking, with the examples of spec advanced "Pattern-based Registrations". */
import { describe, expect, it } from 'vitest';
import { UriIndex, uriMatches } from '../src/uri-match.js';

describe('uriMatches', () => {
  it('prefix is a string prefix', () => {
    for (const u of [
      'com.myapp.myobject1.myprocedure1',
      'com.myapp.myobject1-mysubobject1',
      'com.myapp.myobject1',
    ]) {
      expect(uriMatches('com.myapp.myobject1', 'prefix', u)).toBe(true);
    }
    expect(uriMatches('com.myapp.myobject1', 'prefix', 'com.myapp.myobject')).toBe(false);
  });
  it('wildcard matches whole components, same length', () => {
    expect(uriMatches('com.myapp..userevent', 'wildcard', 'com.myapp.foo.userevent')).toBe(true);
    expect(uriMatches('com.myapp..userevent', 'wildcard', 'com.myapp.foo.userevent.bar')).toBe(
      false,
    );
    expect(uriMatches('com.myapp..userevent', 'wildcard', 'com.myapp2.foo.userevent')).toBe(false);
  });
});

describe('UriIndex.best (spec example)', () => {
  const idx = new UriIndex<{ uri: string; match: 'exact' | 'prefix' | 'wildcard'; n: number }>();
  const regs = [
    { n: 1, uri: 'a1.b2.c3.d4.e55', match: 'exact' },
    { n: 2, uri: 'a1.b2.c3', match: 'prefix' },
    { n: 3, uri: 'a1.b2.c3.d4', match: 'prefix' },
    { n: 4, uri: 'a1.b2..d4.e5', match: 'wildcard' },
    { n: 5, uri: 'a1.b2.c33..e5', match: 'wildcard' },
    { n: 6, uri: 'a1.b2..d4.e5..g7', match: 'wildcard' },
    { n: 7, uri: 'a1.b2..d4..f6.g7', match: 'wildcard' },
  ] as const;
  for (const r of regs) idx.add({ ...r });
  const cases: Array<[string, number | undefined]> = [
    ['a1.b2.c3.d4.e55', 1],
    ['a1.b2.c3.d98.e74', 2],
    ['a1.b2.c3.d4.e325', 3],
    ['a1.b2.c55.d4.e5', 4],
    // The spec's example says "no prefix match" here, contradicting its own definition of prefix
    // matching as a string prefix (`com.myapp.myobject1` matches `com.myapp.myobject1-sub`), which
    // Crossbar.io implements and we follow: `a1.b2.c3` is a prefix of `a1.b2.c33...`.
    ['a1.b2.c33.d4.e5', 2],
    ['a1.b2.x4.d4.e5', 4],
    ['a1.b2.c88.d4.e5.f6.g7', 6],
    ['a2.b2.c2.d2.e2', undefined],
  ];
  for (const [uri, n] of cases) {
    it(`${uri} → ${n ?? 'none'}`, () => expect(idx.best(uri)?.n).toBe(n));
  }
  it('matching() returns every match (PubSub)', () => {
    expect(
      idx
        .matching('a1.b2.c33.d4.e5')
        .map((r) => r.n)
        .sort(),
    ).toEqual([2, 4, 5]);
  });
});
