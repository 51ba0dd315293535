import { count, eq, inArray, type SQL } from 'drizzle-orm';
import type { ResetQuery, ResetResult } from '../../core/queries.js';
import type { Dialect, SqlBackend, Statements } from './dialect.js';
import { dropTableSql } from './ddl.js';
import { field } from './fragments.js';
import { recordSchemaVersion } from './migrate.js';
import { planMigration } from './plan.js';
import { deleteRunEvents } from './run-events.js';
import { deleteTotals } from './totals.js';
import type { TableKey } from './schema/index.js';

async function countRows(s: Statements, table: TableKey, where: SQL | undefined): Promise<number> {
  const [row] = await s.fields({ n: count() }, table, { where });
  return row?.n ?? 0;
}

/** Deletes everything, or one agent's conversations (with their entries) and commands; returns the counts. */
async function deleteRows(dialect: Dialect, s: Statements, agent: string | undefined): Promise<ResetResult> {
  const t = dialect.tables;
  const doomed = agent === undefined ? undefined : s.subquery({ id: field(t.conversations.conversation_id) }, 'conversations', { where: eq(t.conversations.agent_name, agent) });
  const inDoomed = (table: typeof t.messages | typeof t.toolCalls | typeof t.context) => (doomed ? inArray(table.conversation_id, doomed) : undefined);
  const doomedConversations = agent === undefined ? undefined : eq(t.conversations.agent_name, agent);
  const doomedCommands = agent === undefined ? undefined : eq(t.commands.agent_name, agent);
  const result: ResetResult = {
    conversations: await countRows(s, 'conversations', doomedConversations),
    messages: await countRows(s, 'messages', inDoomed(t.messages)),
    tool_calls: await countRows(s, 'toolCalls', inDoomed(t.toolCalls)),
    commands: await countRows(s, 'commands', doomedCommands),
    context: await countRows(s, 'context', inDoomed(t.context)),
    run_events: await deleteRunEvents(s, t, agent),
  };
  // Entries before their conversations: the subquery still finds the doomed ids.
  await s.delete('messages', inDoomed(t.messages));
  await s.delete('toolCalls', inDoomed(t.toolCalls));
  await s.delete('context', inDoomed(t.context));
  await s.delete('commands', doomedCommands);
  await s.delete('conversations', doomedConversations);
  await deleteTotals(s, t, agent);
  return result;
}

/** Drops every historian table and creates them again, empty, from the declarations. */
async function recreateTables(dialect: Dialect, s: Statements): Promise<void> {
  const declared = dialect.declared();
  const search = dialect.search;
  const searched = search !== undefined && search.present(await dialect.liveSchema(s));
  for (const table of declared) await s.execute(dropTableSql(dialect.family, table.name));
  for (const statement of planMigration(declared, { tables: new Map(), indexes: new Set() }).statements) await s.execute(statement);
  // The messages are gone: the search index is made anew, empty, where the database had one.
  if (searched) await search.recreate(s);
  await recordSchemaVersion(s);
}

/**
 * Reset in one transaction. Soft: deletes rows (everything, or one agent's). Hard:
 * counts everything, drops the historian tables and recreates them empty (an agent's reset is
 * always soft: dropping tables cannot spare the other agents).
 */
export function resetHistory(backend: SqlBackend, query: ResetQuery): Promise<ResetResult> {
  const { dialect } = backend;
  return backend.transaction(async (s) => {
    if (!query.hard || query.agent !== undefined) return deleteRows(dialect, s, query.agent);
    const result: ResetResult = {
      conversations: await countRows(s, 'conversations', undefined),
      messages: await countRows(s, 'messages', undefined),
      tool_calls: await countRows(s, 'toolCalls', undefined),
      commands: await countRows(s, 'commands', undefined),
      context: await countRows(s, 'context', undefined),
      run_events: await countRows(s, 'runEvents', undefined),
    };
    await recreateTables(dialect, s);
    return result;
  });
}
