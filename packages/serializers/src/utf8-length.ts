/**
 * UTF-8 byte length of a string without encoding it: what a text message occupies on the wire.
 * Shared by the binary codecs, the session's send queue and the router's size checks. Kept in a
 * module of its own so importing it pulls in no codec state.
 */

/** Byte length of `s` in UTF-8 (lone surrogates count as U+FFFD, 3 bytes, like TextEncoder). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
