/** `wampkit publish`: one event (spec wamp.md "Publish and Subscribe"), acknowledged. */
import {
  CLIENT_HELP,
  CLIENT_OPTIONS,
  PAYLOAD_OPTIONS,
  parse,
  parseKwargs,
  parseValue,
  required,
} from '../args.js';
import { openSession } from '../client.js';
import { type CommandContext, leaveQuietly } from '../context.js';
import { ExitCode } from '../errors.js';
import { Output } from '../output.js';

export const PUBLISH_HELP = `Usage: wampkit publish TOPIC [ARG...] [--kw KEY=VALUE]... [options]

Publishes one event to TOPIC and waits for the broker's acknowledgement, so a refused
publication is reported. ARG and VALUE are JSON when they parse, else strings.

  -k, --kw KEY=VALUE       a keyword argument (repeatable)
      --retain             ask the broker to retain the event for late subscribers
      --exclude-me         do not deliver the event to this session's own subscriptions
${CLIENT_HELP}`;

const OPTIONS = {
  ...CLIENT_OPTIONS,
  ...PAYLOAD_OPTIONS,
  retain: { type: 'boolean' },
  'exclude-me': { type: 'boolean' },
} as const;

export async function publishCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.argv, OPTIONS);
  if (values.help) {
    ctx.streams.stdout.write(`${PUBLISH_HELP}\n`);
    return ExitCode.ok;
  }
  const out = new Output(values.json === true, ctx.streams);
  const topic = required(positionals, 0, 'TOPIC');
  const args = positionals.slice(1).map(parseValue);
  const kwargs = parseKwargs(values.kw);
  const session = await openSession(values, ctx.streams.env, out, ctx.signal);
  try {
    const published = await session.publish(topic, args, kwargs, {
      acknowledge: true,
      excludeMe: values['exclude-me'] === true,
      ...(values.retain ? { retain: true } : {}),
      signal: ctx.signal,
    });
    const publication = published?.publication;
    out.result(
      { topic, publication },
      () =>
        `published to ${out.paint('bold', topic)} ${out.paint('dim', `(publication ${publication})`)}`,
    );
  } finally {
    await leaveQuietly(session);
  }
  return ExitCode.ok;
}
