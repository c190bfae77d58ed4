/**
 * Sec-WebSocket-Extensions header grammar (RFC 6455 §9.1): a comma-separated list of
 * extensions, each a token followed by `; param[=value]`, values being tokens or quoted strings.
 */
import { TOKEN } from '../handshake/http.js';

/** One extension of a Sec-WebSocket-Extensions value: its name and parameters (§9.1). */
export interface ExtensionOffer {
  name: string;
  params: Map<string, string | true>;
  /** Set when a parameter was repeated: the item parses, but its extension must refuse it. */
  repeated?: string;
}

/** Parses a header value; throws SyntaxError on grammar violations (repeats are marked). */
export function parseExtensions(header: string): ExtensionOffer[] {
  const out: ExtensionOffer[] = [];
  for (const item of splitOutsideQuotes(header, ',')) {
    if (item.trim() === '') continue;
    const [nameRaw, ...paramParts] = splitOutsideQuotes(item, ';');
    const name = (nameRaw ?? '').trim();
    if (!TOKEN.test(name)) throw new SyntaxError(`invalid extension name ${JSON.stringify(name)}`);
    const params = new Map<string, string | true>();
    let repeated: string | undefined;
    for (const part of paramParts) {
      const eq = part.indexOf('=');
      const key = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (!TOKEN.test(key))
        throw new SyntaxError(`invalid extension parameter ${JSON.stringify(key)}`);
      // A repeated parameter is valid §9.1 grammar; the extension decides (RFC 7692 §7.1
      // declines such an offer), so it is marked rather than thrown.
      const seen = params.has(key);
      if (eq < 0) {
        if (seen) repeated = key;
        else params.set(key, true);
        continue;
      }
      let value = part.slice(eq + 1).trim();
      if (value.startsWith('"')) {
        if (value.length < 2 || !value.endsWith('"'))
          throw new SyntaxError('unterminated quoted value');
        value = value.slice(1, -1).replace(/\\(.)/g, '$1');
      }
      // §9.1: a quoted value must still conform to the token ABNF once unquoted.
      if (!TOKEN.test(value)) throw new SyntaxError(`invalid value for ${key}`);
      if (seen) repeated = key;
      else params.set(key, value);
    }
    out.push(repeated === undefined ? { name, params } : { name, params, repeated });
  }
  return out;
}

/** Formats one extension offer or response as a Sec-WebSocket-Extensions element (RFC 6455 §9.1). */
export function formatExtension(ext: ExtensionOffer): string {
  let s = ext.name;
  for (const [k, v] of ext.params) s += v === true ? `; ${k}` : `; ${k}=${v}`;
  return s;
}

function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\') {
      current += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (quoted) throw new SyntaxError('unterminated quoted string');
  parts.push(current);
  return parts;
}
