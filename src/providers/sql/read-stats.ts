import { and, count, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { CommandEntry } from '../../core/entries.js';
import { byStatsKey } from '../../store/reader.js';
import type { CommandQuery, Normalized, Stats, StatsGroup, StatsQuery } from '../../core/queries.js';
import type { SqlBackend } from './connect.js';
import { dayKey, distinctSorted, hourKey, total } from './fragments.js';
import { commandEntry } from './rows.js';

function groupKey(backend: SqlBackend, group: StatsGroup): SQL<string | null> {
  const { conversations: c, messages: m } = backend.tables;
  switch (group) {
    case 'agent':
      return sql<string | null>`${c.agent_name}`;
    case 'model':
      return sql<string | null>`${m.model}`;
    case 'hour':
      return hourKey(m.timestamp);
    case 'day':
      return dayKey(m.timestamp);
  }
}

/**
 * Stats (SPEC §5) in one GROUP BY: message count, token and cost sums and the distinct models
 * per key. A message's agent is its conversation's, so grouping or filtering by agent joins
 * the conversations; other groupings read the messages alone.
 */
export async function readStats(backend: SqlBackend, query: Normalized<StatsQuery> & { group_by: StatsGroup }): Promise<Stats> {
  const { conversations: c, messages: m } = backend.tables;
  const key = groupKey(backend, query.group_by);
  const where = and(
    query.since === undefined ? undefined : gte(m.timestamp, query.since),
    query.until === undefined ? undefined : lte(m.timestamp, query.until),
    query.agent === undefined ? undefined : eq(c.agent_name, query.agent),
  );
  const fields = {
    key,
    messages: count(),
    total_tokens: total(m.total_tokens),
    prompt_tokens: total(m.prompt_tokens),
    completion_tokens: total(m.completion_tokens),
    cost: sql`coalesce(sum(${m.cost}), 0)`.mapWith(Number),
    models: distinctSorted(backend.dialect, m.model),
  };
  const needsAgent = query.group_by === 'agent' || query.agent !== undefined;
  const rows = needsAgent
    ? await backend.db.select(fields).from(m).leftJoin(c, eq(m.conversation_id, c.conversation_id)).where(where).groupBy(key)
    : await backend.db.select(fields).from(m).where(where).groupBy(key);
  return { group_by: query.group_by, since: query.since ?? null, until: query.until ?? null, groups: rows.sort(byStatsKey) };
}

/** Commands (SPEC §5), newest first, by agent and/or session, within the limit. */
export async function readCommands(backend: SqlBackend, query: CommandQuery): Promise<CommandEntry[]> {
  const t = backend.tables.commands;
  const where = and(
    query.agent === undefined ? undefined : eq(t.agent_name, query.agent),
    query.session === undefined ? undefined : eq(t.session_id, query.session),
  );
  const ordered = backend.db.select().from(t).where(where).orderBy(desc(t.timestamp), desc(t.seq));
  const rows = query.limit === undefined ? await ordered : await ordered.limit(query.limit);
  return rows.map(commandEntry);
}
