/**
 * Minimal HTTP/1.1 message-head parsing and writing for the opening handshake (RFC 6455 §4,
 * RFC 7230 §3). Only what the handshake needs: a start line and header fields, bounded in size.
 */
import { HandshakeError } from '../errors.js';

/** Header fields with case-insensitive lookup; repeated fields are kept in order. */
export class HeaderList {
  readonly entries: Array<[name: string, value: string]> = [];

  /** Appends a header field (repeated fields are kept). */
  add(name: string, value: string): void {
    this.entries.push([name, value]);
  }

  /** All values of a field joined with ", " (RFC 7230 §3.2.2), or undefined when absent. */
  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    let out: string | undefined;
    for (const [n, v] of this.entries) {
      if (n.toLowerCase() === lower) out = out === undefined ? v : `${out}, ${v}`;
    }
    return out;
  }

  /** Number of occurrences of a field (RFC 6455 forbids repeating some of them). */
  count(name: string): number {
    const lower = name.toLowerCase();
    return this.entries.filter(([n]) => n.toLowerCase() === lower).length;
  }

  /** Whether a comma-separated field contains `token`, compared case-insensitively. */
  hasToken(name: string, token: string): boolean {
    const value = this.get(name);
    if (value === undefined) return false;
    const want = token.toLowerCase();
    return value.split(',').some((t) => t.trim().toLowerCase() === want);
  }

  /** The fields as a plain object: lower-case names, repeated values joined with ", ". */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [n] of this.entries) {
      const key = n.toLowerCase();
      if (!(key in out)) out[key] = this.get(n)!;
    }
    return out;
  }
}

export interface ParsedHead {
  /** The three parts of the start line: request (method, target, version) or status. */
  startLine: [string, string, string];
  headers: HeaderList;
  /** Bytes consumed including the blank line. */
  length: number;
}

/** An RFC 7230 §3.2.6 token: header names, subprotocols, extension names and parameters. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Finds and parses a message head at the start of `data`. Returns null while incomplete.
 * Throws HandshakeError (431/400) when the head is larger than `maxSize` or malformed.
 */
export function parseHead(
  data: Uint8Array,
  maxSize: number,
  isRequest: boolean,
): ParsedHead | null {
  const limit = Math.min(data.length, maxSize);
  let end = -1;
  for (let i = 3; i < limit; i++) {
    if (data[i] === 10 && data[i - 1] === 13 && data[i - 2] === 10 && data[i - 3] === 13) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) {
    if (data.length >= maxSize) {
      throw new HandshakeError(`handshake larger than the ${maxSize}-byte limit`, 431);
    }
    return null;
  }
  // Header bytes are ISO-8859-1 (RFC 7230 §3.2.4); decode byte for byte.
  let text = '';
  for (let i = 0; i < end - 4; i++) text += String.fromCharCode(data[i]!);
  const lines = text.split('\r\n');
  const first = lines[0] ?? '';
  const headers = new HeaderList();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    // Obsolete line folding (a line starting with whitespace) is rejected (RFC 7230 §3.2.4).
    if (colon <= 0 || line[0] === ' ' || line[0] === '\t') {
      throw new HandshakeError(`malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    const name = line.slice(0, colon);
    if (!TOKEN.test(name))
      throw new HandshakeError(`malformed header name: ${JSON.stringify(name)}`);
    headers.add(name, line.slice(colon + 1).trim());
  }
  let startLine: [string, string, string];
  if (isRequest) {
    const m = /^([A-Z]+) (\S+) HTTP\/(\d\.\d)$/.exec(first);
    if (!m)
      throw new HandshakeError(`malformed request line: ${JSON.stringify(first.slice(0, 80))}`);
    startLine = [m[1]!, m[2]!, m[3]!];
  } else {
    const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(first);
    if (!m)
      throw new HandshakeError(`malformed status line: ${JSON.stringify(first.slice(0, 80))}`, 502);
    startLine = [m[1]!, m[2]!, m[3] ?? ''];
  }
  return { startLine, headers, length: end };
}

/** Serializes a start line and header fields, rejecting CR/LF injection in names or values. */
export function writeHead(startLine: string, headers: Iterable<[string, string]>): Uint8Array {
  let text = `${startLine}\r\n`;
  for (const [name, value] of headers) {
    if (!TOKEN.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (/[\r\n\0]/.test(value)) throw new TypeError(`invalid header value for ${name}`);
    text += `${name}: ${value}\r\n`;
  }
  text += '\r\n';
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new TypeError('header text must be ISO-8859-1');
    out[i] = c;
  }
  return out;
}
