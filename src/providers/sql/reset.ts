import { count, eq, inArray, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ResetQuery, ResetResult } from '../../core/queries.js';
import type { Db, SqlBackend } from './connect.js';
import { dropTableSql } from './ddl.js';
import { declaredTables } from './declared.js';
import { schemaVersionSql } from './migrate.js';
import { planMigration } from './plan.js';
import { deleteRunEvents } from './run-events.js';
import { TABLE_NAMES } from './schema/index.js';

async function countRows(db: Db, table: SQLiteTable, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return row?.n ?? 0;
}

/** Deletes everything, or one agent's conversations (with their entries) and commands; returns the counts. */
async function deleteRows(backend: SqlBackend, db: Db, agent: string | undefined): Promise<ResetResult> {
  const t = backend.tables;
  const doomed = agent === undefined ? undefined : db.select({ id: t.conversations.conversation_id }).from(t.conversations).where(eq(t.conversations.agent_name, agent));
  const inDoomed = (table: typeof t.messages | typeof t.toolCalls | typeof t.context) => (doomed ? inArray(table.conversation_id, doomed) : undefined);
  const doomedConversations = agent === undefined ? undefined : eq(t.conversations.agent_name, agent);
  const doomedCommands = agent === undefined ? undefined : eq(t.commands.agent_name, agent);
  const result: ResetResult = {
    conversations: await countRows(db, t.conversations, doomedConversations),
    messages: await countRows(db, t.messages, inDoomed(t.messages)),
    tool_calls: await countRows(db, t.toolCalls, inDoomed(t.toolCalls)),
    commands: await countRows(db, t.commands, doomedCommands),
    context: await countRows(db, t.context, inDoomed(t.context)),
    run_events: await deleteRunEvents(db, t, agent),
  };
  // Entries before their conversations: the subquery still finds the doomed ids.
  await db.delete(t.messages).where(inDoomed(t.messages));
  await db.delete(t.toolCalls).where(inDoomed(t.toolCalls));
  await db.delete(t.context).where(inDoomed(t.context));
  await db.delete(t.commands).where(doomedCommands);
  await db.delete(t.conversations).where(doomedConversations);
  return result;
}

/** Drops every historian table and creates them again, empty, from the declarations. */
async function recreateTables(backend: SqlBackend, db: Db): Promise<void> {
  for (const name of TABLE_NAMES) await backend.execute(dropTableSql(name), db);
  const plan = planMigration(declaredTables(backend.dialect), { tables: new Map(), indexes: new Set() });
  for (const statement of plan.statements) await backend.execute(statement, db);
  await backend.execute(schemaVersionSql(backend.dialect), db);
}

/**
 * Reset (SPEC §5) in one transaction. Soft: deletes rows (everything, or one agent's). Hard:
 * counts everything, drops the historian tables and recreates them empty (an agent's reset is
 * always soft: dropping tables cannot spare the other agents).
 */
export function resetHistory(backend: SqlBackend, query: ResetQuery): Promise<ResetResult> {
  return backend.transaction(async (db) => {
    if (!query.hard || query.agent !== undefined) return deleteRows(backend, db, query.agent);
    const t = backend.tables;
    const result: ResetResult = {
      conversations: await countRows(db, t.conversations, undefined),
      messages: await countRows(db, t.messages, undefined),
      tool_calls: await countRows(db, t.toolCalls, undefined),
      commands: await countRows(db, t.commands, undefined),
      context: await countRows(db, t.context, undefined),
      run_events: await countRows(db, t.runEvents, undefined),
    };
    await recreateTables(backend, db);
    return result;
  });
}
