import { and, count, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { CommandEntry } from '../../core/entries.js';
import { byStatsKey } from '../../store/reader.js';
import type { CommandQuery, Normalized, Stats, StatsGroup, StatsQuery } from '../../core/queries.js';
import type { Dialect, SqlBackend } from './dialect.js';
import { field, total } from './fragments.js';
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

/**
 * Stats (SPEC §5) in one GROUP BY over the messages alone: message count, token and cost sums
 * and the distinct models per key. A message's agent is its conversation's, kept on the message
 * row at write time (see write.ts), so grouping or filtering by agent needs no join.
 */
export async function readStats(backend: SqlBackend, query: Normalized<StatsQuery> & { group_by: StatsGroup }): Promise<Stats> {
  const { dialect } = backend;
  const { messages: m } = dialect.tables;
  const key = groupKey(dialect, query.group_by);
  const where = and(
    query.since === undefined ? undefined : gte(m.timestamp, query.since),
    query.until === undefined ? undefined : lte(m.timestamp, query.until),
    query.agent === undefined ? undefined : eq(m.agent_name, query.agent),
  );
  const fields = {
    key,
    messages: count(),
    total_tokens: total(m.total_tokens),
    prompt_tokens: total(m.prompt_tokens),
    completion_tokens: total(m.completion_tokens),
    cost: sql`coalesce(sum(${m.cost}), 0)`.mapWith(Number),
    models: dialect.distinctSorted(m.model),
  };
  const rows = await backend.statements.fields(fields, 'messages', { where, groupBy: [key] });
  return { group_by: query.group_by, since: query.since ?? null, until: query.until ?? null, groups: rows.sort(byStatsKey) };
}

function commandsWhere(backend: SqlBackend, query: CommandQuery): SQL | undefined {
  const t = backend.dialect.tables.commands;
  return and(
    query.agent === undefined ? undefined : eq(t.agent_name, query.agent),
    query.session === undefined ? undefined : eq(t.session_id, query.session),
  );
}

/** Commands (SPEC §5), newest first, by agent and/or session, from the offset, within the limit. */
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
