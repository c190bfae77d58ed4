/**
 * `wampkit info`: the router's view of the realm through the meta-APIs (wamp-ap.md "Session
 * Meta API", "Registration Meta API", "Subscription Meta API").
 */
import {
  registrationMeta,
  type Session,
  type SessionInfo,
  sessionMeta,
  subscriptionMeta,
} from '@wampkit/session';
import { CLIENT_HELP, CLIENT_OPTIONS, parse } from '../args.js';
import { openSession } from '../client.js';
import { type CommandContext, leaveQuietly } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import { Output } from '../output.js';

export const INFO_HELP = `Usage: wampkit info [session|sessions|registrations|subscriptions] [options]

Prints meta data of the realm: this session (session), the sessions joined to the realm
(sessions), the registrations with their callees (registrations), the subscriptions with their
subscribers (subscriptions); everything when no section is named. With --json: one object per
line, each with "kind": "session", "sessions", "registration" or "subscription". The router must
offer the meta-API (the wampkit router, Crossbar.io and Bondy do).
${CLIENT_HELP}`;

const SECTIONS = ['session', 'sessions', 'registrations', 'subscriptions'] as const;
type Section = (typeof SECTIONS)[number];

async function showSelf(session: Session, out: Output): Promise<void> {
  const self = {
    kind: 'session',
    session: session.id,
    realm: session.realm,
    authid: session.authid,
    authrole: session.authrole,
  };
  out.result(
    self,
    () =>
      `${out.paint('bold', 'session')} ${session.id} on ${session.realm} as ${session.authid} (role ${session.authrole})`,
  );
}

async function showSessions(session: Session, out: Output): Promise<void> {
  const meta = sessionMeta(session);
  const ids = await meta.list();
  const sessions: SessionInfo[] = [];
  for (const id of ids) sessions.push(await meta.get(id));
  out.result({ kind: 'sessions', count: ids.length, sessions }, () => {
    const lines = sessions.map(
      (s) =>
        `  ${s.session}  authid=${s.authid ?? '-'} authrole=${s.authrole ?? '-'} authmethod=${s.authmethod ?? '-'}`,
    );
    return [`${out.paint('bold', 'sessions')} (${ids.length})`, ...lines].join('\n');
  });
}

async function showRegistrations(session: Session, out: Output): Promise<void> {
  const meta = registrationMeta(session);
  const lists = await meta.list();
  const ids = [...lists.exact, ...lists.prefix, ...lists.wildcard];
  if (!out.json) out.result(null, () => `${out.paint('bold', 'registrations')} (${ids.length})`);
  for (const id of ids) {
    const details = await meta.get(id);
    const callees = await meta.listCallees(id);
    out.result({ kind: 'registration', ...details, callees }, () => {
      const policy = `${details.match}${details.invoke ? `, ${details.invoke}` : ''}`;
      return `  ${id}  ${details.uri} (${policy}) callees: ${callees.join(', ')}`;
    });
  }
}

async function showSubscriptions(session: Session, out: Output): Promise<void> {
  const meta = subscriptionMeta(session);
  const lists = await meta.list();
  const ids = [...lists.exact, ...lists.prefix, ...lists.wildcard];
  if (!out.json) out.result(null, () => `${out.paint('bold', 'subscriptions')} (${ids.length})`);
  for (const id of ids) {
    const details = await meta.get(id);
    const subscribers = await meta.listSubscribers(id);
    out.result(
      { kind: 'subscription', ...details, subscribers },
      () => `  ${id}  ${details.uri} (${details.match}) subscribers: ${subscribers.join(', ')}`,
    );
  }
}

const SHOW: Record<Section, (session: Session, out: Output) => Promise<void>> = {
  session: showSelf,
  sessions: showSessions,
  registrations: showRegistrations,
  subscriptions: showSubscriptions,
};

export async function infoCommand(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.argv, CLIENT_OPTIONS);
  if (values.help) {
    ctx.streams.stdout.write(`${INFO_HELP}\n`);
    return ExitCode.ok;
  }
  const out = new Output(values.json === true, ctx.streams);
  const section = positionals[0] as Section | undefined;
  if (section !== undefined && !SECTIONS.includes(section)) {
    throw new UsageError(
      `section must be one of ${SECTIONS.join(', ')}; got ${JSON.stringify(section)}`,
    );
  }
  const session = await openSession(values, ctx.streams.env, out, ctx.signal);
  try {
    for (const s of section ? [section] : SECTIONS) {
      await out.progress(`reading ${s}`, SHOW[s](session, out));
    }
  } finally {
    await leaveQuietly(session);
  }
  return ExitCode.ok;
}
