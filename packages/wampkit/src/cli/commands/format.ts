/** Human formatting of WAMP payloads (args and kwargs) for the CLI's text output. */
import type { Output } from '../output.js';

/** `1 "two" key=value`, or `(no result)` when empty. */
export function formatPayload(
  out: Output,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
): string {
  const parts = args.map((a) => out.value(a));
  for (const [k, v] of Object.entries(kwargs))
    parts.push(`${out.paint('cyan', k)}=${out.value(v)}`);
  return parts.length > 0 ? parts.join(' ') : out.paint('dim', '(empty)');
}
