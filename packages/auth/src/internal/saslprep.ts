/**
 * SASLprep (RFC 4013), the stringprep (RFC 3454) profile WAMP-SCRAM applies to usernames and
 * passwords ("Username/Password String Normalization"). Tables are RFC 3454 appendices B.1,
 * C.1.2-C.9 and D.1. Two approximations, because JavaScript has no Unicode 3.2 database: A.1
 * (unassigned code points) is taken as the runtime's `\p{Cn}`, and D.2 (LCat) as letters, spacing
 * marks and letter numbers outside D.1. Both only matter for strings SASLprep rejects.
 */

type Range = readonly [number, number];

const B1: Range[] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];

const C12: Range[] = [
  [0x00a0, 0x00a0],
  [0x1680, 0x1680],
  [0x2000, 0x200b],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];

const PROHIBITED: Range[] = [
  ...C12,
  // C.2.1 ASCII control, C.2.2 non-ASCII control
  [0x0000, 0x001f],
  [0x007f, 0x009f],
  [0x06dd, 0x06dd],
  [0x070f, 0x070f],
  [0x180e, 0x180e],
  [0x200c, 0x200d],
  [0x2028, 0x2029],
  [0x2060, 0x2063],
  [0x206a, 0x206f],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffc],
  [0x1d173, 0x1d17a],
  // C.3 private use
  [0xe000, 0xf8ff],
  [0xf0000, 0xffffd],
  [0x100000, 0x10fffd],
  // C.4 non-character code points (plane-final pairs are added below)
  [0xfdd0, 0xfdef],
  // C.5 surrogates, C.6 inappropriate for plain text, C.7 for canonical representation
  [0xd800, 0xdfff],
  [0xfff9, 0xfffd],
  [0x2ff0, 0x2ffb],
  // C.8 change display properties or deprecated
  [0x0340, 0x0341],
  [0x200e, 0x200f],
  [0x202a, 0x202e],
  [0x206a, 0x206f],
  // C.9 tagging characters
  [0xe0001, 0xe0001],
  [0xe0020, 0xe007f],
];
for (let plane = 0; plane <= 0x10; plane++)
  PROHIBITED.push([plane * 0x10000 + 0xfffe, plane * 0x10000 + 0xffff]);

const D1: Range[] = [
  [0x05be, 0x05be],
  [0x05c0, 0x05c0],
  [0x05c3, 0x05c3],
  [0x05d0, 0x05ea],
  [0x05f0, 0x05f4],
  [0x061b, 0x061b],
  [0x061f, 0x061f],
  [0x0621, 0x063a],
  [0x0640, 0x064a],
  [0x066d, 0x066f],
  [0x0671, 0x06d5],
  [0x06dd, 0x06dd],
  [0x06e5, 0x06e6],
  [0x06fa, 0x06fe],
  [0x0700, 0x070d],
  [0x0710, 0x0710],
  [0x0712, 0x072c],
  [0x0780, 0x07a5],
  [0x07b1, 0x07b1],
  [0x200f, 0x200f],
  [0xfb1d, 0xfb1d],
  [0xfb1f, 0xfb28],
  [0xfb2a, 0xfb36],
  [0xfb38, 0xfb3c],
  [0xfb3e, 0xfb3e],
  [0xfb40, 0xfb41],
  [0xfb43, 0xfb44],
  [0xfb46, 0xfbb1],
  [0xfbd3, 0xfd3d],
  [0xfd50, 0xfd8f],
  [0xfd92, 0xfdc7],
  [0xfdf0, 0xfdfc],
  [0xfe70, 0xfe74],
  [0xfe76, 0xfefc],
];

const LETTERISH = /^[\p{L}\p{Mc}\p{Nl}]$/u;
const UNASSIGNED = /^\p{Cn}$/u;

function inTable(table: readonly Range[], cp: number): boolean {
  for (const [lo, hi] of table) if (cp >= lo && cp <= hi) return true;
  return false;
}

const isRandAL = (cp: number) => inTable(D1, cp);
const isL = (cp: number) => !isRandAL(cp) && LETTERISH.test(String.fromCodePoint(cp));

/** A string that SASLprep (RFC 4013) rejects, e.g. one with prohibited or unassigned characters. */
export class SaslprepError extends Error {
  override readonly name = 'SaslprepError';
}

/** Applies SASLprep to `input` (as a "stored string": unassigned code points are rejected). */
export function saslprep(input: string): string {
  // 2.1 Mapping: B.1 to nothing, then C.1.2 to SPACE.
  let mapped = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0)!;
    if (inTable(B1, cp)) continue;
    mapped += inTable(C12, cp) ? ' ' : ch;
  }
  // 2.2 Normalization: Unicode NFKC.
  const normalized = mapped.normalize('NFKC');
  const cps = Array.from(normalized, (ch) => ch.codePointAt(0)!);
  if (cps.length === 0) return '';
  // 2.3 Prohibited output, 2.5 unassigned code points.
  for (const cp of cps) {
    if (inTable(PROHIBITED, cp)) throw new SaslprepError('string contains a prohibited character');
    if (UNASSIGNED.test(String.fromCodePoint(cp))) {
      throw new SaslprepError('string contains an unassigned code point');
    }
  }
  // 2.4 Bidirectional characters (RFC 3454 section 6).
  if (cps.some(isRandAL)) {
    if (cps.some(isL)) throw new SaslprepError('string mixes left-to-right and right-to-left text');
    if (!isRandAL(cps[0]!) || !isRandAL(cps[cps.length - 1]!)) {
      throw new SaslprepError(
        'right-to-left string must start and end with a right-to-left character',
      );
    }
  }
  return normalized;
}
