/**
 * `wampkit subscribe`: streams the events of a topic (spec wamp.md "Publish and Subscribe";
 * pattern matching and retained events from wamp-ap.md) until Ctrl-C, --count, or the session
 * ends.
 */
import type { Event } from '@wampkit/session';
import { CLIENT_HELP, CLIENT_OPTIONS, parse, parseChoice, parseCount, required } from '../args.js';
import { openSession } from '../client.js';
import { aborted, type CommandContext, leaveQuietly, sessionEnded } from '../context.js';
import { ExitCode } from '../errors.js';
import { Output } from '../output.js';
import { formatPayload } from './format.js';

export const SUBSCRIBE_HELP = `Usage: wampkit subscribe TOPIC [options]

Subscribes to TOPIC and prints each event as it arrives (with --json: one object per event with
topic, publication, args, kwargs, details), until Ctrl-C or --count events.

      --match POLICY       exact (default), prefix or wildcard
      --count N            exit after N events
      --get-retained       also receive the event the broker retained for TOPIC
${CLIENT_HELP}`;

const OPTIONS = {
  ...CLIENT_OPTIONS,
  match: { type: 'string' },
  count: { type: 'string' },
  'get-retained': { type: 'boolean' },
} as const;

export async function subscribeCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.argv, OPTIONS);
  if (values.help) {
    ctx.streams.stdout.write(`${SUBSCRIBE_HELP}\n`);
    return ExitCode.ok;
  }
  const out = new Output(values.json === true, ctx.streams);
  const topic = required(positionals, 0, 'TOPIC');
  const match = parseChoice('match', values.match, ['exact', 'prefix', 'wildcard'] as const);
  const count = parseCount('count', values.count);
  if (count === 0) return ExitCode.ok;
  const session = await openSession(values, ctx.streams.env, out, ctx.signal);
  try {
    let seen = 0;
    let enough!: () => void;
    const done = new Promise<void>((resolve) => {
      enough = resolve;
    });
    const onEvent = (e: Event) => {
      if (count !== undefined && seen >= count) return;
      seen++;
      out.result(
        {
          topic: e.topic,
          publication: e.publication,
          args: e.args,
          kwargs: e.kwargs,
          details: e.details,
        },
        () =>
          `${out.paint('dim', new Date().toISOString())} ${out.paint('bold', e.topic)} ${formatPayload(out, e.args, e.kwargs)}`,
      );
      if (count !== undefined && seen >= count) enough();
    };
    const sub = await session.subscribe(topic, onEvent, {
      ...(match ? { match } : {}),
      ...(values['get-retained'] ? { getRetained: true } : {}),
    });
    out.status(
      `subscribed to ${topic} (subscription ${sub.id}); waiting for events, Ctrl-C to stop`,
    );
    await Promise.race([done, aborted(ctx.signal), sessionEnded(session)]);
  } finally {
    await leaveQuietly(session);
  }
  return ExitCode.ok;
}
