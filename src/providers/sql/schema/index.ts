import type { AnyColumn, Table } from 'drizzle-orm';
import type { mysqlTables } from './mysql.js';
import type { pgTables } from './pg.js';
import type { sqliteTables } from './sqlite.js';

// Types only: this module loads no dialect code. Each family declares the same tables in its own
// file (sqlite.ts, pg.ts, mysql.ts); the checks at the bottom prove at compile time that they agree.

/** The schema version this code writes into `historian_meta`; raised with every schema change. */
export const SCHEMA_VERSION = 4;

type SqliteTables = typeof sqliteTables;

/** A historian table, by the key every family's declaration uses for it (`messages`, `toolCalls`…). */
export type TableKey = keyof SqliteTables;
/** A stored row of a table, derived from the declarations (the same in every family). */
export type Row<K extends TableKey> = SqliteTables[K]['$inferSelect'];
/** A row to insert into a table. */
export type Insert<K extends TableKey> = SqliteTables[K]['$inferInsert'];

/** A stored message row. */
export type MessageRow = Row<'messages'>;
/** A stored conversation row. */
export type ConversationRow = Row<'conversations'>;
/** A stored tool call row. */
export type ToolCallRow = Row<'toolCalls'>;
/** A stored command row. */
export type CommandRow = Row<'commands'>;
/** A stored context row. */
export type ContextRow = Row<'context'>;
/** A stored run-log fact row. */
export type RunEventRow = Row<'runEvents'>;
/** A stored run row (the run list's index of the facts). */
export type RunRow = Row<'runs'>;

/** A column's value type without null (drizzle keeps nullability apart); `unknown` stays itself. */
type Data<T> = unknown extends T ? unknown : NonNullable<T>;

/**
 * The tables as the shared query code sees them: every family's drizzle tables, with columns
 * typed by their values but not by their dialect. Conditions, orderings and keys are built on
 * these (drizzle's operators take any column); the family's own statements run them.
 */
export type CommonTables = { [K in TableKey]: Table & { [C in keyof Row<K>]-?: AnyColumn<{ data: Data<Row<K>[C]> }> } };

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Declarations = Record<TableKey, { $inferSelect: unknown; $inferInsert: unknown }>;
/** True when two families' declarations agree on every table's row and insert types. */
type Agree<A extends Declarations, B extends Declarations> = [
  { [K in TableKey]: Same<[A[K]['$inferSelect'], A[K]['$inferInsert']], [B[K]['$inferSelect'], B[K]['$inferInsert']]> }[TableKey],
] extends [true]
  ? true
  : false;
// Compile-time proof that every family's declarations produce identical row and insert types.
const familiesAgree: [Agree<SqliteTables, typeof pgTables>, Agree<SqliteTables, typeof mysqlTables>] = [true, true];
void familiesAgree;
