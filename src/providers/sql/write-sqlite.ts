import type Database from 'better-sqlite3';
import { getTableColumns, is, Param, Placeholder, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { LogRecord } from '../types.js';
import type { Db, SqlBackend } from './connect.js';
import { batchRows, type BatchRows } from './rows.js';
import type { Tables } from './schema/index.js';

/** A statement built by drizzle and run through better-sqlite3 directly, one row per call. */
interface RowStatement {
  run(row: Record<string, unknown>): void;
}

/**
 * Prepares an insert that drizzle built with one placeholder per column. The hot path then
 * binds rows straight to the better-sqlite3 statement, encoding each value with its column's
 * own `mapToDriverValue` (JSON, booleans), which skips drizzle's per-call query building.
 */
function rowStatement(client: Database.Database, table: SQLiteTable, build: (values: Record<string, Placeholder>) => { toSQL(): { sql: string; params: unknown[] } }): RowStatement {
  const placeholders = Object.fromEntries(Object.keys(getTableColumns(table)).map((key) => [key, sql.placeholder(key)]));
  const query = build(placeholders).toSQL();
  const statement = client.prepare(query.sql);
  const binders = query.params.map((param) => {
    // Each column value arrives as a Param wrapping a Placeholder, with the column as encoder.
    const placeholder = is(param, Param) ? param.value : param;
    if (!is(placeholder, Placeholder)) return () => param;
    const encoder = is(param, Param) ? param.encoder : undefined;
    return (row: Record<string, unknown>) => {
      const value = row[placeholder.name];
      if (value === null || value === undefined) return null;
      return encoder ? encoder.mapToDriverValue(value) : value;
    };
  });
  return {
    run(row) {
      statement.run(binders.map((bind) => bind(row)));
    },
  };
}

/** The prepared statements of the SQLite write path. */
interface SqliteStatements {
  start: RowStatement;
  implicit: RowStatement;
  messages: RowStatement;
  toolCalls: RowStatement;
  commands: RowStatement;
  context: RowStatement;
}

function prepareStatements(client: Database.Database, db: Db, t: Tables): SqliteStatements {
  const insert = (table: SQLiteTable) => rowStatement(client, table, (values) => db.insert(table).values(values as never).onConflictDoNothing());
  return {
    start: rowStatement(client, t.conversations, (values) =>
      db
        .insert(t.conversations)
        .values(values as never)
        .onConflictDoUpdate({
          target: t.conversations.conversation_id,
          set: {
            agent_name: sql`excluded.agent_name`,
            start_time: sql`excluded.start_time`,
            started: sql`excluded.started`,
            start_id: sql`excluded.start_id`,
            seq: sql`excluded.seq`,
          },
        }),
    ),
    implicit: rowStatement(client, t.conversations, (values) =>
      db
        .insert(t.conversations)
        .values(values as never)
        .onConflictDoUpdate({
          target: t.conversations.conversation_id,
          set: { start_time: sql`excluded.start_time` },
          setWhere: sql`${t.conversations.started} = 0 AND excluded.start_time < ${t.conversations.start_time}`,
        }),
    ),
    messages: insert(t.messages),
    toolCalls: insert(t.toolCalls),
    commands: insert(t.commands),
    context: insert(t.context),
  };
}

function runRows(statements: SqliteStatements, rows: BatchRows): void {
  for (const row of rows.implicit) statements.implicit.run(row);
  for (const row of rows.starts) statements.start.run(row);
  for (const row of rows.messages) statements.messages.run(row);
  for (const row of rows.toolCalls) statements.toolCalls.run(row);
  for (const row of rows.commands) statements.commands.run(row);
  for (const row of rows.context) statements.context.run(row);
}

/**
 * The SQLite batch writer: one BEGIN IMMEDIATE transaction per batch, rows bound to prepared
 * statements. Statements are prepared lazily and dropped by `reset()` (after a hard reset the
 * tables they point at are new).
 */
export function sqliteWriter(backend: SqlBackend): { write(batch: readonly LogRecord[]): Promise<void>; reset(): void } {
  let statements: SqliteStatements | undefined;
  return {
    write: (batch) =>
      backend.transaction((db) => {
        statements ??= prepareStatements(backend.sqlite!, db, backend.tables);
        runRows(statements, batchRows(batch));
      }),
    reset() {
      statements = undefined;
    },
  };
}
