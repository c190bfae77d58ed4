/** What every command receives: its arguments, the streams, and the Ctrl-C/SIGTERM signal. */
import { type Session, SessionClosedError } from '@wampkit/session';
import type { Streams } from './output.js';

export interface CommandContext {
  /** The arguments after the command name. */
  readonly argv: readonly string[];
  readonly streams: Streams;
  /** Aborts on SIGINT or SIGTERM: long-running commands end cleanly, others are interrupted. */
  readonly signal: AbortSignal;
}

/** A command resolves with its exit code (see errors.ts ExitCode) or throws. */
export type Command = (context: CommandContext) => Promise<number>;

/** Leaves the realm, ignoring a session that is already gone. */
export async function leaveQuietly(session: Session): Promise<void> {
  if (!session.isOpen) return;
  try {
    await session.leave();
  } catch {
    // Already closed by the router or the transport: nothing left to leave.
  }
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Rejects with SessionClosedError when the session ends (the router closed it or the connection
 * was lost); for racing against a command's own end. Pre-handled: a later local leave() that
 * rejects it raises no unhandled rejection.
 */
export function sessionEnded(session: Session): Promise<never> {
  const ended = session.closed.then((info) => {
    throw new SessionClosedError(info);
  });
  ended.catch(() => {});
  return ended;
}
