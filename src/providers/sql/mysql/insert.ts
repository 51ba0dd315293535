import { getTableColumns, is, Param, Placeholder, sql, type SQL } from 'drizzle-orm';
import type { MySqlColumn, MySqlTable } from 'drizzle-orm/mysql-core';
import type { MySql2Database } from 'drizzle-orm/mysql2';
import { mysqlTables as t } from '../schema/mysql.js';

/**
 * A multi-row INSERT that drizzle built once, for one row of placeholders, with its VALUES list
 * replaced by one `?` that mysql2 expands from an array of rows: `VALUES (…), (…)`. Building the
 * statement with drizzle for every batch cost about 0.2 ms a row, more than the server's work.
 */
export interface CompiledInsert {
  sql: string;
  /** The values of one row, in column order, each encoded by its column (JSON text, booleans). */
  values(row: object): unknown[];
}

type Buildable = { toSQL(): { sql: string; params: unknown[] } };

/** drizzle's VALUES list of one row: one placeholder per column. */
const ONE_ROW = /values \(\?(?:, \?)*\)/;

function compile(table: MySqlTable, build: (values: Record<string, Placeholder>) => Buildable): CompiledInsert {
  const placeholders = Object.fromEntries(Object.keys(getTableColumns(table)).map((key) => [key, sql.placeholder(key)]));
  const query = build(placeholders).toSQL();
  const slots = query.params.map((param) => {
    const placeholder = is(param, Param) ? param.value : param;
    if (!is(placeholder, Placeholder)) throw new Error(`unexpected constant in the compiled insert into ${query.sql.slice(0, 40)}`);
    return { key: placeholder.name, encoder: is(param, Param) ? param.encoder : undefined };
  });
  const list = ONE_ROW.exec(query.sql);
  if (!list || list[0].split('?').length - 1 !== slots.length) throw new Error(`cannot compile a multi-row insert from: ${query.sql.slice(0, 80)}`);
  return {
    sql: `${query.sql.slice(0, list.index)}values ?${query.sql.slice(list.index + list[0].length)}`,
    values(row) {
      const record = row as Record<string, unknown>;
      return slots.map(({ key, encoder }) => {
        const value = record[key];
        if (value === null || value === undefined) return null;
        return encoder ? encoder.mapToDriverValue(value) : value;
      });
    },
  };
}

/**
 * `SET key = key`: MySQL's "do nothing" for a row whose primary key (or unique key, for a table
 * without one, whose first column then serves) is already stored.
 */
function keepStored(table: MySqlTable): Record<string, SQL> {
  const columns = Object.entries(getTableColumns(table));
  const [key, column] = columns.find(([, c]) => c.primary) ?? columns[0]!;
  return { [key]: sql`${column}` };
}

/** An insert that leaves rows whose primary key is already stored as they are (never INSERT IGNORE: see statements.ts). */
export function compileInsertOnce(db: MySql2Database, table: MySqlTable): CompiledInsert {
  return compile(table, (values) => db.insert(table).values(values as never).onDuplicateKeyUpdate({ set: keepStored(table) }));
}

/**
 * The conversation upserts. MySQL's ON DUPLICATE KEY UPDATE has no WHERE: each assignment keeps
 * the stored value unless the condition holds. The conditions read columns that earlier
 * assignments may have set, but each stays as it was: false leaves every column as it was, and
 * true sets start_time to the new value, which keeps `VALUES(start_time) >= start_time` true.
 */
export function compileConversationUpserts(db: MySql2Database): { implicit: CompiledInsert; start: CompiledInsert } {
  const c = t.conversations;
  const unless = (condition: SQL, column: MySqlColumn) => sql`IF(${condition}, VALUES(${column}), ${column})`;
  const upsert = (set: Record<string, SQL>) => compile(c, (values) => db.insert(c).values(values as never).onDuplicateKeyUpdate({ set }));
  // An implicit conversation only moves its start earlier, and only until it is started.
  const earlier = sql`${c.started} = false AND VALUES(${c.start_time}) < ${c.start_time}`;
  // The last conversation_start wins: the latest timestamp (a start logged late with an earlier one does not).
  const later = sql`(${c.started} = false OR VALUES(${c.start_time}) >= ${c.start_time})`;
  return {
    // seq first: its condition reads start_time before the next assignment moves it.
    implicit: upsert({ seq: unless(earlier, c.seq), start_time: unless(earlier, c.start_time) }),
    start: upsert({
      agent_name: unless(later, c.agent_name),
      start_time: unless(later, c.start_time),
      started: unless(later, c.started),
      start_id: unless(later, c.start_id),
      seq: unless(later, c.seq),
    }),
  };
}

/** Every insert a MySQL connection writes with: insert-once per table, and the conversation upserts. */
export interface CompiledInserts {
  once: Record<keyof typeof t, CompiledInsert>;
  toolCalls: CompiledInsert;
  implicit: CompiledInsert;
  start: CompiledInsert;
}

/**
 * The tool call insert: a call whose id, or whose conversation and `tool_call_id`, is stored
 * completes the stored one (docs/entries.md): its result is attached when it has none.
 */
function compileToolCallUpsert(db: MySql2Database): CompiledInsert {
  const { result } = t.toolCalls;
  return compile(t.toolCalls, (values) =>
    db
      .insert(t.toolCalls)
      .values(values as never)
      .onDuplicateKeyUpdate({ set: { result: sql`IF(${result} IS NULL, VALUES(${result}), ${result})` } }),
  );
}

/** Compiles the inserts once per database (they hold no connection). */
export function compileInserts(db: MySql2Database): CompiledInserts {
  const once = Object.fromEntries(Object.entries(t).map(([key, table]) => [key, compileInsertOnce(db, table)])) as CompiledInserts['once'];
  return { once, toolCalls: compileToolCallUpsert(db), ...compileConversationUpserts(db) };
}
