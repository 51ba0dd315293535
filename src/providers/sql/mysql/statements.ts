import { sql } from 'drizzle-orm';
import type { MySqlSelect, MySqlTable } from 'drizzle-orm/mysql-core';
import type { MySql2Database } from 'drizzle-orm/mysql2';
import { NO_LIMIT, type FieldQuery, type FieldRow, type Fields, type Statements } from '../dialect.js';
import type { Insert, Row, TableKey } from '../schema/index.js';
import { incremented, upsertColumns } from '../fragments.js';
import { mysqlTables } from '../schema/mysql.js';
import type { CompiledInsert, CompiledInserts } from './insert.js';

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

/** The characters a row's values take in the statement, roughly. */
function sizeOf(values: unknown[]): number {
  let size = 0;
  for (const value of values) size += typeof value === 'string' ? value.length : 8;
  return size;
}

/** Rows' values in groups that each fit one INSERT. */
function chunks(rows: unknown[][]): unknown[][][] {
  const out: unknown[][][] = [];
  let chunk: unknown[][] = [];
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

function shaped<Q extends MySqlSelect>(query: Q, { where, groupBy = [], having, orderBy = [], limit, offset }: FieldQuery) {
  const shaped = query.where(where).groupBy(...groupBy).having(having).orderBy(...orderBy);
  return limit === undefined && offset === undefined ? shaped : shaped.limit(limit ?? NO_LIMIT).offset(offset ?? 0);
}

/** Keys of stored messages, by id and by message id, in one set. */
const idKey = (id: string) => `i:${id}`;
const messageKey = (conversation: string, id: string) => `m:${conversation}\u0000${id}`;

/** A lock name per database and key (bound as the one parameter), within GET_LOCK's 64 characters. */
const LOCK_NAME = "CONCAT('historian:', LEFT(SHA2(CONCAT(COALESCE(DATABASE(), ''), ':', ?), 256), 40))";

/**
 * The statements of a MySQL connection (the pool, or one pooled connection's transaction),
 * through drizzle's mysql-core database. Batches are multi-row INSERTs compiled once (insert.ts);
 * "insert once" is ON DUPLICATE KEY UPDATE of the key to itself, not INSERT IGNORE, which would
 * also turn a value the server refuses (too long, out of range) into a warning and store it cut
 * short.
 */
export function mysqlStatements(db: MySql2Database, inserts: CompiledInserts, raw: RawQuery, locks: LockOptions): Statements {
  const select = (fields: Fields, from: TableKey, query: FieldQuery) => {
    const table: MySqlTable = mysqlTables[from];
    const base = db.select(fields).from(table);
    const other: MySqlTable | undefined = query.join && mysqlTables[query.join.table];
    return other && query.join ? shaped(base.leftJoin(other, query.join.on).$dynamic(), query) : shaped(base.$dynamic(), query);
  };
  const insert = async (compiled: CompiledInsert, rows: object[]) => {
    if (rows.length === 0) return;
    for (const chunk of chunks(rows.map((row) => compiled.values(row)))) await raw(compiled.sql, [chunk]);
  };
  /** GET_LOCK answers 0 when the wait runs out, and NULL on an error: either way there is no lock. */
  const lock = async (key: string, what: string) => {
    locks.taken();
    const [row] = (await raw(`SELECT GET_LOCK(${LOCK_NAME}, ?) AS got`, [key, locks.waitSeconds])) as { got?: unknown }[];
    if (Number(row?.got) === 1) return;
    throw Object.assign(new Error(`${what} was not free within ${locks.waitSeconds} s`), { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 });
  };
  /**
   * The agents of those of these conversations that are stored. With `locked`, for conversations
   * the batch has just upserted: read under the locks the upserts took, so no other writer
   * changed them since (a message takes its conversation's agent).
   */
  const conversationAgents = async (ids: readonly string[], locked: boolean): Promise<Map<string, string | null>> => {
    const agents = new Map<string, string | null>();
    const unique = [...new Set(ids)];
    const statement = `SELECT conversation_id, agent_name FROM conversations WHERE conversation_id IN (?)${locked ? ' LOCK IN SHARE MODE' : ''}`;
    for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
      const found = (await raw(statement, [unique.slice(i, i + ROWS_PER_STATEMENT)])) as { conversation_id: string; agent_name: string | null }[];
      for (const row of found) agents.set(row.conversation_id, row.agent_name);
    }
    return agents;
  };
  /**
   * The messages of these rows that are stored already, read before the insert, as ids and
   * message ids: the rest is what it stores. (A second writer storing one of the same messages
   * at that moment could make both count it.)
   */
  const storedKeys = async (rows: readonly Insert<'messages'>[]): Promise<Set<string>> => {
    const known = new Set<string>();
    // Two lookups, each by its own index (an OR of both could scan the table): ids by the primary
    // key, message ids by (conversation_id, message_id), whose first column must be given to seek.
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      const ids = (await raw('SELECT id AS k FROM messages WHERE id IN (?)', [chunk.map((row) => row.id)])) as { k: string }[];
      for (const row of ids) known.add(idKey(row.k));
      const keyed = chunk.filter((row) => row.message_id != null);
      if (keyed.length === 0) continue;
      const conversations = [...new Set(keyed.map((row) => row.conversation_id))];
      const messageIds = [...new Set(keyed.map((row) => row.message_id))];
      const found = (await raw('SELECT message_id AS k, conversation_id AS c FROM messages WHERE conversation_id IN (?) AND message_id IN (?)', [conversations, messageIds])) as { k: string; c: string }[];
      for (const row of found) known.add(messageKey(row.c, row.k));
    }
    return known;
  };
  return {
    async rows(from, { where, orderBy = [], limit, offset } = {}) {
      const table: MySqlTable = mysqlTables[from];
      const query = db.select().from(table).where(where).orderBy(...orderBy).$dynamic();
      // drizzle types the rows of a table picked at run time loosely; they are that table's rows.
      const paged = limit === undefined && offset === undefined ? query : query.limit(limit ?? NO_LIMIT).offset(offset ?? 0);
      return (await paged) as Row<typeof from>[];
    },
    async fields<F extends Fields>(fields: F, from: TableKey, query: FieldQuery = {}) {
      return (await select(fields, from, query)) as FieldRow<F>[];
    },
    subquery: (fields, from, query = {}) => select(fields, from, query),
    insertNew: (into, rows) => insert(inserts.once[into], rows),
    async writeRows(rows) {
      await insert(inserts.implicit, rows.implicit);
      await insert(inserts.start, rows.starts);
      const agents = await conversationAgents(rows.messages.map((row) => row.conversation_id), true);
      const known = await storedKeys(rows.messages);
      const tagged = rows.messages.map((row) => ({ ...row, agent_name: agents.get(row.conversation_id) ?? null }));
      await insert(inserts.once.messages, tagged);
      await insert(inserts.toolCalls, rows.toolCalls);
      await insert(inserts.once.commands, rows.commands);
      await insert(inserts.once.context, rows.context);
      // A message is stored once per id and per message id in its conversation, within the batch too.
      return tagged.filter((row) => {
        const keys = row.message_id == null ? [idKey(row.id)] : [idKey(row.id), messageKey(row.conversation_id, row.message_id)];
        if (keys.some((key) => known.has(key))) return false;
        for (const key of keys) known.add(key);
        return true;
      });
    },
    async upsert(into, rows) {
      const table: MySqlTable = mysqlTables[into];
      const set = Object.fromEntries(upsertColumns(table).others.map(([key, column]) => [key, sql`VALUES(${column})`]));
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await db.insert(table).values(rows.slice(i, i + ROWS_PER_STATEMENT)).onDuplicateKeyUpdate({ set });
    },
    async increment(into, rows, key) {
      const table: MySqlTable = mysqlTables[into];
      // The table's unique index is the key; MySQL adds onto the row it collides with.
      const set = incremented(table, key, (column) => sql`VALUES(${column})`);
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await db.insert(table).values(rows.slice(i, i + ROWS_PER_STATEMENT)).onDuplicateKeyUpdate({ set });
    },
    agentsOf: (ids) => conversationAgents(ids, false),
    async update(table, set, where) {
      await db.update(mysqlTables[table]).set(set).where(where);
    },
    async delete(from, where) {
      await db.delete(mysqlTables[from]).where(where);
    },
    async setMeta(key, value) {
      await db.insert(mysqlTables.meta).values({ key, value }).onDuplicateKeyUpdate({ set: { value } });
    },
    // Named locks, not row locks: they survive the implicit commit of a migration's DDL. The
    // transaction releases them when it ends (connect.ts); a lost connection releases them too.
    async addToCounter(key, count) {
      // No RETURNING on MySQL: LAST_INSERT_ID(expr) hands the new value back in the statement's
      // result, so one atomic statement counts, in a transaction or on its own.
      const result = (await raw('UPDATE historian_meta SET value = LAST_INSERT_ID(CAST(value AS UNSIGNED) + ?) WHERE `key` = ?', [count, key])) as unknown as {
        affectedRows: number;
        insertId: number;
      };
      return result.affectedRows === 0 ? undefined : Number(result.insertId);
    },
    lockSession: (session) => lock(`run_events:${session}`, 'the run-log lock of a session'),
    lockMigration: () => lock('migration', 'the migration lock'),
    async execute(statement) {
      await raw(statement);
    },
    query: async <T>(statement: string) => (await raw(statement)) as T[],
  };
}
