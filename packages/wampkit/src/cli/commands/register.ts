/**
 * `wampkit register`: exposes a shell command (or an echo) as a procedure (spec wamp.md
 * "Remote Procedure Calls", callee side) until Ctrl-C, --count invocations, or the session ends.
 */
import { execFile } from 'node:child_process';
import { ApplicationError, type Invocation, Result } from '@wampkit/session';
import {
  CLIENT_HELP,
  CLIENT_OPTIONS,
  parse,
  parseChoice,
  parseCount,
  parseValue,
  required,
} from '../args.js';
import { openSession } from '../client.js';
import { aborted, type CommandContext, leaveQuietly, sessionEnded } from '../context.js';
import { ExitCode } from '../errors.js';
import { jsonLine, Output } from '../output.js';
import { formatPayload } from './format.js';

export const REGISTER_HELP = `Usage: wampkit register PROCEDURE [--exec COMMAND] [options]

Registers PROCEDURE and answers calls until Ctrl-C or --count invocations. Without --exec it
echoes the call's arguments back. With --exec it runs COMMAND with /bin/sh for each call: the
call's positional arguments are $1, $2, ... (strings as they are, other values as JSON), stdin
holds {"args": [...], "kwargs": {...}} as JSON, and stdout is the result (JSON when it parses,
else the text without its final newline). A non-zero exit answers with the error
wampkit.error.command_failed (kwargs: exitCode, stderr). Each invocation is printed.

      --exec COMMAND       shell command that computes the result
      --exec-timeout MS    kill COMMAND after MS milliseconds (default 60000)
      --match POLICY       exact (default), prefix or wildcard
      --invoke POLICY      single (default), roundrobin, random, first or last (shared registration)
      --concurrency N      run at most N invocations at once
      --count N            exit after N invocations
${CLIENT_HELP}`;

const OPTIONS = {
  ...CLIENT_OPTIONS,
  exec: { type: 'string' },
  'exec-timeout': { type: 'string' },
  match: { type: 'string' },
  invoke: { type: 'string' },
  concurrency: { type: 'string' },
  count: { type: 'string' },
} as const;

/** The error URI of a failed --exec command. */
export const COMMAND_FAILED = 'wampkit.error.command_failed';
const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
/** Largest stdout or stderr a command may produce (bounded, DESIGN.md principle 7). */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** Runs `command` for one invocation; resolves with the call's result. */
function runCommand(command: string, inv: Invocation, timeoutMs: number): Promise<unknown> {
  const params = inv.args.map((a) => (typeof a === 'string' ? a : jsonLine(a)));
  return new Promise((resolve, reject) => {
    const child = execFile(
      '/bin/sh',
      ['-c', command, 'wampkit', ...params],
      { timeout: timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, signal: inv.signal, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
          const exitCode = typeof e.code === 'number' ? e.code : null;
          const why = e.killed
            ? 'was killed (timeout or cancel)'
            : `failed (exit code ${exitCode})`;
          reject(
            new ApplicationError(
              COMMAND_FAILED,
              [`command ${why}`],
              { exitCode, stderr: stderr.slice(-4096) },
              { cause: error },
            ),
          );
          return;
        }
        const text = stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout;
        resolve(text === '' ? undefined : parseValue(text));
      },
    );
    child.stdin?.end(jsonLine({ args: inv.args, kwargs: inv.kwargs }));
    child.stdin?.on('error', () => {
      // The command did not read its stdin: that is allowed.
    });
  });
}

export async function registerCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.argv, OPTIONS);
  if (values.help) {
    ctx.streams.stdout.write(`${REGISTER_HELP}\n`);
    return ExitCode.ok;
  }
  const out = new Output(values.json === true, ctx.streams);
  const procedure = required(positionals, 0, 'PROCEDURE');
  const match = parseChoice('match', values.match, ['exact', 'prefix', 'wildcard'] as const);
  const invoke = parseChoice('invoke', values.invoke, [
    'single',
    'roundrobin',
    'random',
    'first',
    'last',
  ] as const);
  const concurrency = parseCount('concurrency', values.concurrency);
  const count = parseCount('count', values.count);
  const execTimeout = parseCount('exec-timeout', values['exec-timeout']) ?? DEFAULT_EXEC_TIMEOUT_MS;
  const command = values.exec;
  if (count === 0) return ExitCode.ok;

  const session = await openSession(values, ctx.streams.env, out, ctx.signal);
  try {
    let served = 0;
    let enough!: () => void;
    const done = new Promise<void>((resolve) => {
      enough = resolve;
    });
    const report = (
      inv: Invocation,
      outcome: { result: unknown } | { error: ApplicationError },
    ) => {
      served++;
      const base = { procedure: inv.procedure, args: inv.args, kwargs: inv.kwargs };
      out.result(
        'error' in outcome
          ? { ...base, error: outcome.error.uri, errorArgs: outcome.error.args }
          : { ...base, ...outcome },
        () => {
          const head = `${out.paint('bold', inv.procedure)}(${formatPayload(out, inv.args, inv.kwargs)})`;
          return 'error' in outcome
            ? `${head} ${out.paint('red', `-> ${outcome.error.message}`)}`
            : `${head} -> ${out.value(outcome.result)}`;
        },
      );
      // Leave only after this invocation's YIELD/ERROR went out (the handler returns next).
      if (count !== undefined && served >= count) setImmediate(enough);
    };
    const reg = await session.register(
      procedure,
      async (inv) => {
        if (command === undefined) {
          report(inv, { result: { args: inv.args, kwargs: inv.kwargs } });
          return new Result(inv.args, inv.kwargs);
        }
        try {
          const result = await runCommand(command, inv, execTimeout);
          report(inv, { result });
          return result;
        } catch (e) {
          const error =
            e instanceof ApplicationError ? e : new ApplicationError(COMMAND_FAILED, [String(e)]);
          report(inv, { error });
          throw error;
        }
      },
      {
        ...(match ? { match } : {}),
        ...(invoke ? { invoke } : {}),
        ...(concurrency ? { concurrency } : {}),
      },
    );
    out.status(
      `registered ${procedure} (registration ${reg.id}); ${command === undefined ? 'echoing' : `running: ${command}`}; Ctrl-C to stop`,
    );
    await Promise.race([done, aborted(ctx.signal), sessionEnded(session)]);
  } finally {
    await leaveQuietly(session);
  }
  return ExitCode.ok;
}
