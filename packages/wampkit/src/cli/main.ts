#!/usr/bin/env node
/**
 * The `wampkit` command (bin of the wampkit package, `npx wampkit ...`): a development router
 * and a WAMP client for the shell. Node only. Exit codes: see errors.ts `ExitCode`. Running this
 * module runs the command line of the process.
 */
import { callCommand } from './commands/call.js';
import { infoCommand } from './commands/info.js';
import { publishCommand } from './commands/publish.js';
import { registerCommand } from './commands/register.js';
import { routerCommand } from './commands/router.js';
import { subscribeCommand } from './commands/subscribe.js';
import type { Command } from './context.js';
import { ExitCode, exitCodeOf, UsageError } from './errors.js';
import { Output, type Streams } from './output.js';

const COMMANDS: Record<string, Command> = {
  router: routerCommand,
  call: callCommand,
  publish: publishCommand,
  subscribe: subscribeCommand,
  register: registerCommand,
  info: infoCommand,
};

/** Commands whose normal end is Ctrl-C: an interrupt is a success for them. */
const LONG_RUNNING = new Set(['router', 'subscribe', 'register']);

export const HELP = `Usage: wampkit COMMAND [options]

Commands:
  router       start the development WAMP router
  call         call a procedure and print the result
  publish      publish an event
  subscribe    print the events of a topic as they arrive
  register     answer calls to a procedure with a shell command (or an echo)
  info         show the realm's sessions, registrations and subscriptions (meta-API)

Run 'wampkit COMMAND --help' for a command's options.

Exit codes: 0 success, 1 WAMP error (ERROR or ABORT from the router), 2 usage error,
3 connection failure (refused, TLS, timeout, lost), 130 interrupted.
Output: results on stdout (--json: one JSON object per line), status and errors on stderr;
colours only on a terminal and never with NO_COLOR set.`;

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function run(
  argv: readonly string[],
  streams: Streams,
  signal: AbortSignal,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? streams.stderr : streams.stdout).write(`${HELP}\n`);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const json = rest.includes('--json');
  const command = COMMANDS[name];
  try {
    if (command === undefined)
      throw new UsageError(`unknown command ${JSON.stringify(name)}; run 'wampkit --help'`);
    const code = await command({ argv: rest, streams, signal });
    return signal.aborted && !LONG_RUNNING.has(name) ? ExitCode.interrupted : code;
  } catch (error) {
    if (signal.aborted && !LONG_RUNNING.has(name)) {
      new Output(json, streams).error(new Error('interrupted'));
      return ExitCode.interrupted;
    }
    new Output(json, streams).error(error);
    if (error instanceof UsageError && !json)
      streams.stderr.write(`run 'wampkit ${name} --help' for usage\n`);
    return exitCodeOf(error);
  }
}

/** The process entry: signals abort the command; the exit code ends the process. */
async function main(): Promise<void> {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted); // second Ctrl-C: now.
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await run(process.argv.slice(2), process, controller.signal);
  process.exitCode = code;
  // Flush stdout/stderr, then exit even if a socket or timer still holds the loop.
  process.stdout.write('', () => process.exit(code));
}

await main();
