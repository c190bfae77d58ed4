/** `wampkit call`: one remote procedure call (spec wamp.md "Remote Procedure Calls"). */
import type { CallResult } from '@wampkit/session';
import {
  CLIENT_HELP,
  CLIENT_OPTIONS,
  PAYLOAD_OPTIONS,
  parse,
  parseCount,
  parseKwargs,
  parseValue,
  required,
} from '../args.js';
import { openSession } from '../client.js';
import { type CommandContext, leaveQuietly } from '../context.js';
import { ExitCode } from '../errors.js';
import { Output } from '../output.js';
import { formatPayload } from './format.js';

export const CALL_HELP = `Usage: wampkit call PROCEDURE [ARG...] [--kw KEY=VALUE]... [options]

Calls PROCEDURE and prints the result. Each ARG and VALUE is JSON when it parses (42, true,
"text", [1,2], {"a":1}), else a string.

  -k, --kw KEY=VALUE       a keyword argument (repeatable)
      --timeout MS         cancel the call after MS milliseconds (error wamp.error.timeout)
      --progress           ask for progressive results and print each as it arrives
${CLIENT_HELP}`;

const OPTIONS = {
  ...CLIENT_OPTIONS,
  ...PAYLOAD_OPTIONS,
  timeout: { type: 'string' },
  progress: { type: 'boolean' },
} as const;

export async function callCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.argv, OPTIONS);
  if (values.help) {
    ctx.streams.stdout.write(`${CALL_HELP}\n`);
    return ExitCode.ok;
  }
  const out = new Output(values.json === true, ctx.streams);
  const procedure = required(positionals, 0, 'PROCEDURE');
  const args = positionals.slice(1).map(parseValue);
  const kwargs = parseKwargs(values.kw);
  const timeout = parseCount('timeout', values.timeout);
  const session = await openSession(values, ctx.streams.env, out, ctx.signal);
  const print = (r: CallResult) =>
    out.result(
      { args: r.args, kwargs: r.kwargs, progress: r.progress },
      () =>
        (r.progress ? out.paint('dim', 'progress: ') : '') + formatPayload(out, r.args, r.kwargs),
    );
  try {
    const options = { signal: ctx.signal, ...(timeout ? { clientTimeout: timeout } : {}) };
    if (values.progress) {
      for await (const r of session.callProgressive(procedure, args, kwargs, options)) print(r);
    } else {
      print(
        await out.progress(`calling ${procedure}`, session.call(procedure, args, kwargs, options)),
      );
    }
  } finally {
    await leaveQuietly(session);
  }
  return ExitCode.ok;
}
