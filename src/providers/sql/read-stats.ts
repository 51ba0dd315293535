import { and, count, desc, eq, gt, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { CommandEntry } from '../../core/entries.js';
import { byStatsKey } from '../../store/reader.js';
import { addStatsSums } from '../../core/token-sums.js';
import type { CommandQuery, Normalized, Stats, StatsGroup, StatsQuery } from '../../core/queries.js';
import type { Dialect, SqlBackend } from './dialect.js';
import { field, messageSums, total } from './fragments.js';
import { commandEntry } from './rows.js';

function groupKey(dialect: Dialect, group: StatsGroup): SQL<string | null> {
  const { messages: m } = dialect.tables;
  switch (group) {
    case 'agent':
      return field(m.agent_name);
    case 'model':
      return field(m.model);
    case 'hour':
      return dialect.hourKey(m.timestamp);
    case 'day':
      return dialect.dayKey(m.timestamp);
  }
}

/** The key of a totals row under a grouping ('' stands for an absent agent or model). */
function totalsKey(dialect: Dialect, group: StatsGroup): SQL<string | null> {
  const t = dialect.tables.messageTotals;
  switch (group) {
    case 'agent':
      return sql<string | null>`nullif(${t.agent_name}, '')`;
    case 'model':
      return sql<string | null>`nullif(${t.model}, '')`;
    case 'hour':
      return dialect.hourKey(t.hour);
    case 'day':
      return dialect.dayKey(t.hour);
  }
}

const HOUR = 3_600_000;

/** The hour key (`2026-11-23T14`) of a time in ms. */
function hourOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

/**
 * The hours a window covers whole, first and last (either open when the window is), or null when
 * it covers none: those are read from the totals, the rest of the window from the messages.
 */
export function wholeHours(since: string | undefined, until: string | undefined): { first?: string; last?: string } | null {
  const start = since === undefined ? undefined : Math.ceil(Date.parse(since) / HOUR) * HOUR;
  const end = until === undefined ? undefined : Math.floor((Date.parse(until) + 1) / HOUR) * HOUR - HOUR;
  if (start !== undefined && end !== undefined && start > end) return null;
  return { ...(start === undefined ? {} : { first: hourOf(start) }), ...(end === undefined ? {} : { last: hourOf(end) }) };
}

type Sums = Stats['groups'][number];

/** Stats over the whole hours of a window, from the totals rows. */
function fromTotals(backend: SqlBackend, query: Normalized<StatsQuery> & { group_by: StatsGroup }, hours: { first?: string; last?: string }): Promise<Sums[]> {
  const { dialect } = backend;
  const t = dialect.tables.messageTotals;
  const key = totalsKey(dialect, query.group_by);
  const fields = {
    key,
    messages: total(t.messages),
    ...messageSums(t),
    models: dialect.distinctSorted(sql`nullif(${t.model}, '')`),
  };
  const where = and(
    gt(t.messages, 0), // rows whose messages moved to another agent stay, emptied
    hours.first === undefined ? undefined : gte(t.hour, hours.first),
    hours.last === undefined ? undefined : lte(t.hour, hours.last),
    query.agent === undefined ? undefined : eq(t.agent_name, query.agent),
  );
  return backend.statements.fields(fields, 'messageTotals', { where, groupBy: [key] });
}

/** Stats over the messages of a window's part that no whole hour covers, read from the messages. */
function fromMessages(backend: SqlBackend, query: Normalized<StatsQuery> & { group_by: StatsGroup }, hours: { first?: string; last?: string } | null): Promise<Sums[]> {
  const { dialect } = backend;
  const m = dialect.tables.messages;
  const key = groupKey(dialect, query.group_by);
  const inWindow = (from: string | undefined, to: string | undefined) => and(from === undefined ? undefined : gte(m.timestamp, from), to === undefined ? undefined : lte(m.timestamp, to));
  // With whole hours, only the edges: from `since` to before the first, after the last to `until`.
  const edges = hours
    ? or(
        hours.first === undefined ? undefined : and(inWindow(query.since, undefined), lt(m.timestamp, `${hours.first}:00:00.000Z`)),
        hours.last === undefined ? undefined : and(gt(m.timestamp, `${hours.last}:59:59.999Z`), inWindow(undefined, query.until)),
      )
    : inWindow(query.since, query.until);
  if (hours && edges === undefined) return Promise.resolve([]);
  const fields = {
    key,
    messages: count(),
    ...messageSums(m),
    models: dialect.distinctSorted(m.model),
  };
  const where = and(edges, query.agent === undefined ? undefined : eq(m.agent_name, query.agent));
  return backend.statements.fields(fields, 'messages', { where, groupBy: [key] });
}

/** Two sets of groups as one: sums added, models merged. */
function merged(parts: Sums[][]): Sums[] {
  const groups = new Map<string | null, Sums>();
  for (const row of parts.flat()) {
    const group = groups.get(row.key);
    if (!group) {
      groups.set(row.key, { ...row, models: [...row.models] });
      continue;
    }
    addStatsSums(group, row);
    group.models = [...new Set([...group.models, ...row.models])].sort();
  }
  return [...groups.values()].filter((group) => group.messages > 0);
}

/**
 * Stats: message count, token and cost sums and the distinct models per key. The
 * hours the window covers whole are read from `message_totals` (a row per hour, agent and
 * model, kept at write time: see totals.ts); the minutes at its edges from the messages, whose
 * rows carry their conversation's agent, so no join is needed.
 */
export async function readStats(backend: SqlBackend, query: Normalized<StatsQuery> & { group_by: StatsGroup }): Promise<Stats> {
  const hours = wholeHours(query.since, query.until);
  const whole = hours ? await fromTotals(backend, query, hours) : [];
  const edges = await fromMessages(backend, query, hours);
  return { group_by: query.group_by, since: query.since ?? null, until: query.until ?? null, groups: merged([whole, edges]).sort(byStatsKey) };
}

function commandsWhere(backend: SqlBackend, query: CommandQuery): SQL | undefined {
  const t = backend.dialect.tables.commands;
  return and(
    query.agent === undefined ? undefined : eq(t.agent_name, query.agent),
    query.session === undefined ? undefined : eq(t.session_id, query.session),
  );
}

/** Commands, newest first, by agent and/or session, from the offset, within the limit. */
export async function readCommands(backend: SqlBackend, query: CommandQuery): Promise<CommandEntry[]> {
  const t = backend.dialect.tables.commands;
  const orderBy = [desc(t.timestamp), desc(t.seq)];
  const rows = await backend.statements.rows('commands', { where: commandsWhere(backend, query), orderBy, limit: query.limit, offset: query.offset });
  return rows.map(commandEntry);
}

/** How many commands a query matches. */
export async function countCommands(backend: SqlBackend, query: CommandQuery): Promise<number> {
  const [row] = await backend.statements.fields({ n: count() }, 'commands', { where: commandsWhere(backend, query) });
  return row?.n ?? 0;
}
