import { getTableColumns, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { SQLiteColumn, SQLiteSelect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { NO_LIMIT, type FieldQuery, type FieldRow, type Fields, type Statements } from '../dialect.js';
import type { Insert, Row, TableKey } from '../schema/index.js';
import { sqliteTables } from '../schema/sqlite.js';
import { COMPLETE_TOOL_CALL, incremented, upsertColumns } from '../fragments.js';
import type { Follower } from './follower.js';
import { batchIndexer } from './search.js';
import { compile, compileInserts, rowsByStatement, STATEMENT_ORDER, type CompiledInsert, type StatementName } from './insert.js';

// SQLite allows 32,766 bind parameters per statement; 20 columns × 500 rows stays far below.
const ROWS_PER_STATEMENT = 500;

function shaped<Q extends SQLiteSelect>(query: Q, { where, groupBy = [], having, orderBy = [], limit, offset }: FieldQuery) {
  const shaped = query.where(where).groupBy(...groupBy).having(having).orderBy(...orderBy);
  return limit === undefined && offset === undefined ? shaped : shaped.limit(limit ?? NO_LIMIT).offset(offset ?? 0);
}

/** A select of `fields` over a table, joined and grouped as asked; built, not run. */
function select(db: BetterSQLite3Database, fields: Fields, from: SQLiteTable, query: FieldQuery) {
  const base = db.select(fields).from(from);
  const other: SQLiteTable | undefined = query.join && sqliteTables[query.join.table];
  return other && query.join ? shaped(base.leftJoin(other, query.join.on).$dynamic(), query) : shaped(base.$dynamic(), query);
}

/**
 * The statements of a SQLite connection, through drizzle's better-sqlite3 database. Log batches
 * bind their rows to inserts prepared once (see insert.ts). Locks are no-ops: every write runs
 * in BEGIN IMMEDIATE, which already holds the database's one write lock.
 */
export function sqliteStatements(db: BetterSQLite3Database, client: Database.Database, follower?: Follower): Statements {
  // Prepared at the first batch: the tables may not exist before the migration that follows opening.
  let prepared: { name: StatementName; insert: CompiledInsert; statement: Database.Statement }[] | undefined;
  let agentStatement: Database.Statement | undefined;
  /** A stored conversation's agent: null when it has none, undefined when it is not stored. */
  const agentOf = (id: string): string | null | undefined => {
    agentStatement ??= client.prepare('SELECT agent_name FROM conversations WHERE conversation_id = ?').pluck();
    return agentStatement.get(id) as string | null | undefined;
  };
  // Counters are bound to statements prepared once per table, as the log inserts are.
  const increments = new Map<TableKey, { insert: CompiledInsert; statement: Database.Statement }>();
  const incrementOf = (into: TableKey, key: readonly string[]) => {
    let found = increments.get(into);
    if (!found) {
      const table: SQLiteTable = sqliteTables[into];
      const columns = getTableColumns(table);
      const target = key.map((name) => columns[name] as SQLiteColumn);
      const set = incremented(table, key, (column) => sql.raw(`excluded."${column.name}"`));
      const insert = compile(table, (values) => db.insert(table).values(values as never).onConflictDoUpdate({ target, set }));
      increments.set(into, (found = { insert, statement: client.prepare(insert.sql) }));
    }
    return found;
  };
  let completeStatement: Database.Statement | undefined;
  /** A tool call its insert found stored (by id, or by conversation and tool_call_id) completes the stored one. */
  const complete = (row: Record<string, unknown>) => {
    if (row.tool_call_id === null || row.result === null || row.result === undefined) return;
    completeStatement ??= client.prepare(COMPLETE_TOOL_CALL);
    completeStatement.run(JSON.stringify(row.result), row.conversation_id, row.tool_call_id);
  };
  let counterStatement: Database.Statement | undefined;
  let indexer: ReturnType<typeof batchIndexer> | undefined;
  const prepare = () => {
    const inserts = compileInserts(db);
    return STATEMENT_ORDER.map((name) => ({ name, insert: inserts[name], statement: client.prepare(inserts[name].sql) }));
  };
  return {
    async rows(from, { where, orderBy = [], limit, offset } = {}) {
      const table: SQLiteTable = sqliteTables[from];
      const query = db.select().from(table).where(where).orderBy(...orderBy).$dynamic();
      // drizzle types the rows of a table picked at run time loosely; they are that table's rows.
      const paged = limit === undefined && offset === undefined ? query : query.limit(limit ?? NO_LIMIT).offset(offset ?? 0);
      return (await paged) as Row<typeof from>[];
    },
    async fields<F extends Fields>(fields: F, from: TableKey, query: FieldQuery = {}) {
      return (await select(db, fields, sqliteTables[from], query)) as FieldRow<F>[];
    },
    subquery: (fields, from, query = {}) => select(db, fields, sqliteTables[from], query),
    async insertNew(into, rows) {
      const table: SQLiteTable = sqliteTables[into];
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await db.insert(table).values(rows.slice(i, i + ROWS_PER_STATEMENT)).onConflictDoNothing();
    },
    async writeRows(batch) {
      const rows = rowsByStatement(batch);
      prepared ??= prepare();
      indexer ??= batchIndexer(client, follower);
      // Only a batch with messages has anything to index.
      const indexFrom = batch.messages.length > 0 ? indexer.before() : undefined;
      const stored: Insert<'messages'>[] = [];
      for (const { name, insert, statement } of prepared) {
        if (name === 'toolCalls') {
          for (const row of rows[name]) if (statement.run(insert.params(row)).changes === 0) complete(row);
          continue;
        }
        if (name !== 'messages') {
          for (const row of rows[name]) statement.run(insert.params(row));
          continue;
        }
        // A message takes its conversation's agent, as the upserts before it left it.
        const agents = new Map<string, string | null>();
        for (const row of batch.messages) {
          let agent = agents.get(row.conversation_id);
          if (agent === undefined) agents.set(row.conversation_id, (agent = agentOf(row.conversation_id) ?? null));
          row.agent_name = agent;
          if (statement.run(insert.params(row)).changes > 0) stored.push(row);
        }
      }
      if (indexFrom !== undefined && stored.length > 0) indexer.after(indexFrom);
      return stored;
    },
    async upsert(into, rows) {
      const table: SQLiteTable = sqliteTables[into];
      const { key, others } = upsertColumns(table);
      const set = Object.fromEntries(others.map(([name, column]) => [name, sql.raw(`excluded."${column.name}"`)]));
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await db.insert(table).values(rows.slice(i, i + ROWS_PER_STATEMENT)).onConflictDoUpdate({ target: key as SQLiteColumn, set });
    },
    async increment(into, rows, key) {
      const { insert, statement } = incrementOf(into, key);
      for (const row of rows) statement.run(insert.params(row as Record<string, unknown>));
    },
    async agentsOf(ids) {
      const agents = new Map<string, string | null>();
      for (const id of ids) {
        const agent = agentOf(id);
        if (agent !== undefined) agents.set(id, agent);
      }
      return agents;
    },
    async update(table, set, where) {
      await db.update(sqliteTables[table]).set(set).where(where);
    },
    async delete(from, where) {
      await db.delete(sqliteTables[from]).where(where);
    },
    async setMeta(key, value) {
      const { meta } = sqliteTables;
      await db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value: sql`excluded.value` } });
    },
    async addToCounter(key, count) {
      counterStatement ??= client.prepare('UPDATE historian_meta SET value = CAST(value AS INTEGER) + ? WHERE key = ? RETURNING value').pluck();
      const value = counterStatement.get(count, key) as string | undefined;
      return value === undefined ? undefined : Number(value);
    },
    async lockSession() {},
    async lockMigration() {},
    async execute(statement) {
      client.exec(statement);
    },
    async query<T>(statement: string) {
      return client.prepare(statement).all() as T[];
    },
  };
}
