import { createHash } from 'node:crypto';
import { and, eq, getTableColumns, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgDatabase, PgQueryResultHKT, PgSelect, PgTable } from 'drizzle-orm/pg-core';
import { incremented, upsertColumns } from '../fragments.js';
import { NO_LIMIT, type FieldQuery, type FieldRow, type Fields, type Statements } from '../dialect.js';
import type { Insert, Row, TableKey } from '../schema/index.js';
import { pgTables } from '../schema/pg.js';

// PostgreSQL accepts at most 65,535 bind parameters per statement; 20 columns × 1,000 rows fits.
const ROWS_PER_STATEMENT = 1_000;

/** The advisory lock key migrations take (any fixed 64-bit number; kept as older versions took it). */
const MIGRATION_LOCK = '4817254019113';

/** A 63-bit advisory lock key per session: a hash collision only makes two sessions wait for each other. */
function sessionLockKey(session: string): string {
  return (createHash('sha256').update(`historian.run_events:${session}`).digest().readBigInt64BE(0) >> 1n).toString();
}

/** The agent of the conversation with this id, as a scalar subquery (the id bound through its column, NUL encoded). */
function agentOf(id: string): SQL<string | null> {
  const c = pgTables.conversations;
  return sql<string | null>`(SELECT ${c.agent_name} FROM ${c} WHERE ${eq(c.conversation_id, id)})`;
}

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

function shaped<Q extends PgSelect>(query: Q, { where, groupBy = [], having, orderBy = [], limit, offset }: FieldQuery) {
  const shaped = query.where(where).groupBy(...groupBy).having(having).orderBy(...orderBy);
  return limit === undefined && offset === undefined ? shaped : shaped.limit(limit ?? NO_LIMIT).offset(offset ?? 0);
}

/**
 * The statements of a PostgreSQL-family connection (a pool, a pool client's transaction, PGlite
 * or its transaction), through drizzle's pg-core database. `raw` runs a statement on the same
 * connection: inside a transaction every statement must (PGlite has one connection).
 */
export function pgStatements<H extends PgQueryResultHKT>(db: PgDatabase<H>, raw: (statement: string) => Promise<unknown[]>): Statements {
  const select = (fields: Fields, from: TableKey, query: FieldQuery) => {
    const table: PgTable = pgTables[from];
    const base = db.select(fields).from(table);
    const other: PgTable | undefined = query.join && pgTables[query.join.table];
    return other && query.join ? shaped(base.leftJoin(other, query.join.on).$dynamic(), query) : shaped(base.$dynamic(), query);
  };
  return {
    async rows(from, { where, orderBy = [], limit, offset } = {}) {
      const table: PgTable = pgTables[from];
      const query = db.select().from(table).where(where).orderBy(...orderBy).$dynamic();
      // drizzle types the rows of a table picked at run time loosely; they are that table's rows.
      const paged = limit === undefined && offset === undefined ? query : query.limit(limit ?? NO_LIMIT).offset(offset ?? 0);
      return (await paged) as Row<typeof from>[];
    },
    async fields<F extends Fields>(fields: F, from: TableKey, query: FieldQuery = {}) {
      return (await select(fields, from, query)) as FieldRow<F>[];
    },
    subquery: (fields, from, query = {}) => select(fields, from, query),
    async insertNew(into, rows) {
      const table: PgTable = pgTables[into];
      for (const chunk of chunks(rows)) await db.insert(table).values(chunk).onConflictDoNothing();
    },
    async writeRows(rows) {
      const { conversations: c, messages, toolCalls, commands, context } = pgTables;
      // An implicit conversation only moves its start earlier, and only until it is started.
      for (const chunk of chunks(rows.implicit)) {
        await db
          .insert(c)
          .values(chunk)
          .onConflictDoUpdate({ target: c.conversation_id, set: { start_time: sql`excluded.start_time`, seq: sql`excluded.seq` }, setWhere: sql`${c.started} = false AND excluded.start_time < ${c.start_time}` });
      }
      const started = { agent_name: sql`excluded.agent_name`, start_time: sql`excluded.start_time`, started: sql`excluded.started`, start_id: sql`excluded.start_id`, seq: sql`excluded.seq` };
      // The last conversation_start wins: the latest timestamp (a start logged late with an earlier one does not).
      const later = sql`${c.started} = false OR excluded.start_time >= ${c.start_time}`;
      for (const chunk of chunks(rows.starts)) await db.insert(c).values(chunk).onConflictDoUpdate({ target: c.conversation_id, set: started, setWhere: later });
      // A message takes its conversation's agent, as the conversation upserts before it left it.
      const stored: Insert<'messages'>[] = [];
      for (const chunk of chunks(rows.messages)) {
        const inserted = await db
          .insert(messages)
          .values(chunk.map((row) => ({ ...row, agent_name: agentOf(row.conversation_id) })))
          .onConflictDoNothing()
          .returning({ id: messages.id, agent: messages.agent_name });
        const agents = new Map(inserted.map((row) => [row.id, row.agent]));
        for (const row of chunk) {
          if (!agents.has(row.id)) continue;
          stored.push({ ...row, agent_name: agents.get(row.id)! });
          agents.delete(row.id); // an id twice in one batch is stored once
        }
      }
      for (const chunk of chunks(rows.toolCalls)) {
        const inserted = new Set((await db.insert(toolCalls).values(chunk).onConflictDoNothing().returning({ id: toolCalls.id })).map((row) => row.id));
        // A call found stored (by id, or by conversation and tool_call_id) completes the stored one.
        for (const row of chunk) {
          if (inserted.has(row.id) || row.tool_call_id == null || row.result == null) continue;
          const stored = and(eq(toolCalls.conversation_id, row.conversation_id), eq(toolCalls.tool_call_id, row.tool_call_id), isNull(toolCalls.result));
          await db.update(toolCalls).set({ result: row.result }).where(stored);
        }
      }
      for (const chunk of chunks(rows.commands)) await db.insert(commands).values(chunk).onConflictDoNothing();
      for (const chunk of chunks(rows.context)) await db.insert(context).values(chunk).onConflictDoNothing();
      return stored;
    },
    async upsert(into, rows) {
      const table: PgTable = pgTables[into];
      const { key, others } = upsertColumns(table);
      const set = Object.fromEntries(others.map(([name, column]) => [name, sql.raw(`excluded."${column.name}"`)]));
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await db.insert(table).values(rows.slice(i, i + ROWS_PER_STATEMENT)).onConflictDoUpdate({ target: key as PgColumn, set });
    },
    async increment(into, rows, key) {
      const table: PgTable = pgTables[into];
      const columns = getTableColumns(table);
      const target = key.map((name) => columns[name] as PgColumn);
      const set = incremented(table, key, (column) => sql.raw(`excluded."${column.name}"`));
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await db.insert(table).values(rows.slice(i, i + ROWS_PER_STATEMENT)).onConflictDoUpdate({ target, set });
    },
    async agentsOf(ids) {
      const c = pgTables.conversations;
      const agents = new Map<string, string | null>();
      for (const chunk of chunks([...ids])) {
        const rows = await db.select({ id: c.conversation_id, agent: c.agent_name }).from(c).where(inArray(c.conversation_id, chunk));
        for (const row of rows) agents.set(row.id, row.agent);
      }
      return agents;
    },
    async update(table, set, where) {
      await db.update(pgTables[table]).set(set).where(where);
    },
    async delete(from, where) {
      await db.delete(pgTables[from]).where(where);
    },
    async setMeta(key, value) {
      const { meta } = pgTables;
      await db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value: sql`excluded.value` } });
    },
    async addToCounter(key, count) {
      const { meta } = pgTables;
      const [row] = await db
        .update(meta)
        .set({ value: sql`(${meta.value}::bigint + ${count})::text` })
        .where(eq(meta.key, key))
        .returning({ value: meta.value });
      return row === undefined ? undefined : Number(row.value);
    },
    async lockSession(session) {
      await raw(`SELECT pg_advisory_xact_lock(${sessionLockKey(session)})`);
    },
    async lockMigration() {
      await raw(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    },
    async execute(statement) {
      await raw(statement);
    },
    query: async <T>(statement: string) => (await raw(statement)) as T[],
  };
}
