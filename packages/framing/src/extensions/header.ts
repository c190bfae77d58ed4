/**
 * Sec-WebSocket-Extensions header grammar (RFC 6455 §9.1): a comma-separated list of
 * extensions, each a token followed by `; param[=value]`, values being tokens or quoted strings.
 */
export interface ExtensionOffer {
  name: string;
  params: Map<string, string | true>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Parses a header value; throws SyntaxError on grammar violations or repeated parameters. */
export function parseExtensions(header: string): ExtensionOffer[] {
  const out: ExtensionOffer[] = [];
  for (const item of splitOutsideQuotes(header, ',')) {
    if (item.trim() === '') continue;
    const [nameRaw, ...paramParts] = splitOutsideQuotes(item, ';');
    const name = (nameRaw ?? '').trim();
    if (!TOKEN.test(name)) throw new SyntaxError(`invalid extension name ${JSON.stringify(name)}`);
    const params = new Map<string, string | true>();
    for (const part of paramParts) {
      const eq = part.indexOf('=');
      const key = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (!TOKEN.test(key))
        throw new SyntaxError(`invalid extension parameter ${JSON.stringify(key)}`);
      if (params.has(key)) throw new SyntaxError(`repeated extension parameter ${key}`);
      if (eq < 0) {
        params.set(key, true);
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
      params.set(key, value);
    }
    out.push({ name, params });
  }
  return out;
}

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
