/**
 * Exit codes and error classification of the `wampkit` command. The codes are part of the CLI's
 * contract (README "Command line"): scripts branch on them.
 */
import { ApplicationError, ProtocolViolationError, SessionClosedError } from '@wampkit/session';

/** Process exit codes. */
export const ExitCode = {
  /** Success (also a subscribe/register/router stopped by SIGINT or SIGTERM). */
  ok: 0,
  /** The router answered with a WAMP error (ERROR or ABORT: no such procedure, not authorized, ...). */
  wampError: 1,
  /** Bad command line: unknown command or flag, missing or malformed value. */
  usage: 2,
  /** No connection: refused, TLS or handshake failure, timeout, connection lost. */
  connection: 3,
  /** call/publish/info interrupted by SIGINT or SIGTERM before it finished (128 + SIGINT). */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake on the command line (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The connection could not be made or was lost (exit code 3). */
export class ConnectionFailedError extends Error {
  override name = 'ConnectionFailedError';
}

/** The exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): ExitCodeValue {
  if (error instanceof UsageError) return ExitCode.usage;
  if (error instanceof ConnectionFailedError) return ExitCode.connection;
  if (error instanceof ApplicationError || error instanceof ProtocolViolationError) {
    return ExitCode.wampError;
  }
  if (error instanceof SessionClosedError) {
    // An ABORT (e.g. wamp.error.not_authorized) is the router's answer; a lost transport or a
    // router shutting down is a connection failure.
    const lost = error.initiator === 'transport' || error.reason === 'wamp.close.system_shutdown';
    return lost ? ExitCode.connection : ExitCode.wampError;
  }
  return ExitCode.connection;
}

/** A one-line description of an error for humans (WAMP errors show their URI first). */
export function describeError(error: unknown): string {
  if (error instanceof ApplicationError) {
    const extra = [
      error.args.length > 0 ? JSON.stringify(error.args) : '',
      Object.keys(error.kwargs).length > 0 ? JSON.stringify(error.kwargs) : '',
    ].filter((s) => s !== '');
    return [error.uri, ...extra].join(' ');
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const base =
      code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return base + (cause && !base.includes(cause.slice(2)) ? cause : '');
  }
  return String(error);
}

/** The JSON form of an error for `--json` output. */
export function errorJson(error: unknown): Record<string, unknown> {
  if (error instanceof ApplicationError) {
    return { error: error.uri, args: error.args, kwargs: error.kwargs, message: error.message };
  }
  if (error instanceof SessionClosedError) {
    return { error: error.reason, message: error.message };
  }
  const name = error instanceof Error ? error.name : 'Error';
  return { error: name, message: describeError(error) };
}
