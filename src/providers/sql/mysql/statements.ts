import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { MySqlColumn, MySqlSelect, MySqlTable } from 'drizzle-orm/mysql-core';
import type { MySql2Database } from 'drizzle-orm/mysql2';
import type { FieldQuery, FieldRow, Fields, Statements } from '../dialect.js';
import type { Row, TableKey } from '../schema/index.js';
import { mysqlTables } from '../schema/mysql.js';

// One multi-row INSERT holds at most this many rows, and about this many characters of values:
// a statement must stay under the server's max_allowed_packet (16 MB on MariaDB, 64 MB on MySQL 8).
const ROWS_PER_STATEMENT = 1_000;
const CHARACTERS_PER_STATEMENT = 2_000_000;

/** Runs a raw statement on the statements' connection, with its values bound by the driver. */
export type RawQuery = (statement: string, values?: unknown[]) => Promise<unknown[]>;

/** How statements take their locks: how long to wait, and a note that the connection holds one. */
export interface LockOptions {
  /** Seconds GET_LOCK waits before it gives up. */
  waitSeconds: number;
  /** Called when a lock is taken, so the transaction releases it when it ends. */
  taken(): void;
}

function sizeOf(row: object): number {
  let size = 0;
  for (const value of Object.values(row)) {
    if (typeof value === 'string') size += value.length;
    else if (value !== null && typeof value === 'object') size += JSON.stringify(value).length;
    else size += 8;
  }
  return size;
}

/** Rows in groups that each fit one INSERT. */
function chunks<T extends object>(rows: T[]): T[][] {
  const out: T[][] = [];
  let chunk: T[] = [];
  let size = 0;
  for (const row of rows) {
    const rowSize = sizeOf(row);
    if (chunk.length > 0 && (chunk.length === ROWS_PER_STATEMENT || size + rowSize > CHARACTERS_PER_STATEMENT)) {
      out.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(row);
    size += rowSize;
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}

/** `SET key = key`: MySQL's "do nothing" for a row whose primary key is already stored. */
function keepStored(table: MySqlTable): Record<string, SQL> {
  const [key, column] = Object.entries(getTableColumns(table)).find(([, c]) => c.primary)!;
  return { [key]: sql`${column}` };
}

function shaped<Q extends MySqlSelect>(query: Q, { where, groupBy = [], having }: FieldQuery) {
  return query.where(where).groupBy(...groupBy).having(having);
}

/** A lock name per database and key (bound as the one parameter), within GET_LOCK's 64 characters. */
const LOCK_NAME = "CONCAT('historian:', LEFT(SHA2(CONCAT(COALESCE(DATABASE(), ''), ':', ?), 256), 40))";

/**
 * The statements of a MySQL connection (the pool, or one pooled connection's transaction),
 * through drizzle's mysql-core database. Batches are multi-row INSERTs; "insert once" is ON
 * DUPLICATE KEY UPDATE of the key to itself, not INSERT IGNORE, which would also turn a value
 * the server refuses (too long, out of range) into a warning and store it cut short.
 */
export function mysqlStatements(db: MySql2Database, raw: RawQuery, locks: LockOptions): Statements {
  const select = (fields: Fields, from: TableKey, query: FieldQuery) => {
    const table: MySqlTable = mysqlTables[from];
    const base = db.select(fields).from(table);
    const other: MySqlTable | undefined = query.join && mysqlTables[query.join.table];
    return other && query.join ? shaped(base.leftJoin(other, query.join.on).$dynamic(), query) : shaped(base.$dynamic(), query);
  };
  const insertOnce = async (table: MySqlTable, rows: object[]) => {
    for (const chunk of chunks(rows)) await db.insert(table).values(chunk).onDuplicateKeyUpdate({ set: keepStored(table) });
  };
  /** GET_LOCK answers 0 when the wait runs out, and NULL on an error: either way there is no lock. */
  const lock = async (key: string, what: string) => {
    locks.taken();
    const [row] = (await raw(`SELECT GET_LOCK(${LOCK_NAME}, ?) AS got`, [key, locks.waitSeconds])) as { got?: unknown }[];
    if (Number(row?.got) === 1) return;
    throw Object.assign(new Error(`${what} was not free within ${locks.waitSeconds} s`), { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 });
  };
  return {
    async rows(from, { where, orderBy = [], limit } = {}) {
      const table: MySqlTable = mysqlTables[from];
      const query = db.select().from(table).where(where).orderBy(...orderBy).$dynamic();
      // drizzle types the rows of a table picked at run time loosely; they are that table's rows.
      return (limit === undefined ? await query : await query.limit(limit)) as Row<typeof from>[];
    },
    async fields<F extends Fields>(fields: F, from: TableKey, query: FieldQuery = {}) {
      return (await select(fields, from, query)) as FieldRow<F>[];
    },
    subquery: (fields, from, query = {}) => select(fields, from, query),
    insertNew: (into, rows) => insertOnce(mysqlTables[into], rows),
    async writeRows(rows) {
      const { conversations: c, messages, toolCalls, commands, context } = mysqlTables;
      // MySQL's ON DUPLICATE KEY UPDATE has no WHERE: each assignment keeps the stored value
      // unless the condition holds. The conditions read columns that earlier assignments may
      // have set, but each stays as it was: false leaves every column as it was, and true sets
      // start_time to the new value, which keeps `VALUES(start_time) >= start_time` true.
      const unless = (condition: SQL, column: MySqlColumn) => sql`IF(${condition}, VALUES(${column}), ${column})`;
      // An implicit conversation only moves its start earlier, and only until it is started.
      const earlier = sql`${c.started} = false AND VALUES(${c.start_time}) < ${c.start_time}`;
      for (const chunk of chunks(rows.implicit)) await db.insert(c).values(chunk).onDuplicateKeyUpdate({ set: { start_time: unless(earlier, c.start_time) } });
      // The last conversation_start wins: the latest timestamp (a start logged late with an earlier one does not).
      const later = sql`(${c.started} = false OR VALUES(${c.start_time}) >= ${c.start_time})`;
      const started = {
        agent_name: unless(later, c.agent_name),
        start_time: unless(later, c.start_time),
        started: unless(later, c.started),
        start_id: unless(later, c.start_id),
        seq: unless(later, c.seq),
      };
      for (const chunk of chunks(rows.starts)) await db.insert(c).values(chunk).onDuplicateKeyUpdate({ set: started });
      await insertOnce(messages, rows.messages);
      await insertOnce(toolCalls, rows.toolCalls);
      await insertOnce(commands, rows.commands);
      await insertOnce(context, rows.context);
    },
    async delete(from, where) {
      await db.delete(mysqlTables[from]).where(where);
    },
    async setMeta(key, value) {
      await db.insert(mysqlTables.meta).values({ key, value }).onDuplicateKeyUpdate({ set: { value } });
    },
    // Named locks, not row locks: they survive the implicit commit of a migration's DDL. The
    // transaction releases them when it ends (connect.ts); a lost connection releases them too.
    lockSession: (session) => lock(`run_events:${session}`, 'the run-log lock of a session'),
    lockMigration: () => lock('migration', 'the migration lock'),
    async execute(statement) {
      await raw(statement);
    },
    query: async <T>(statement: string) => (await raw(statement)) as T[],
  };
}
