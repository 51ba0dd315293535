import { getTableName } from 'drizzle-orm';
import type { pgTables } from './pg.js';
import { sqliteTables } from './sqlite.js';

export { sqliteTables } from './sqlite.js';
export { pgTables } from './pg.js';

/** The schema version this code writes into `historian_meta`; raised with every schema change. */
export const SCHEMA_VERSION = 1;

/**
 * The tables as the shared query code sees them. Both dialect declarations have the same
 * column names and row types (checked below); queries are typed against the SQLite one.
 */
export type Tables = typeof sqliteTables;

/** A stored message row, derived from the declaration. */
export type MessageRow = Tables['messages']['$inferSelect'];
/** A stored conversation row. */
export type ConversationRow = Tables['conversations']['$inferSelect'];
/** A stored tool call row. */
export type ToolCallRow = Tables['toolCalls']['$inferSelect'];
/** A stored command row. */
export type CommandRow = Tables['commands']['$inferSelect'];
/** A stored context row. */
export type ContextRow = Tables['context']['$inferSelect'];

type Rows<T extends Record<string, { $inferSelect: unknown }>> = { [K in keyof T]: T[K]['$inferSelect'] };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time proof that the two declarations produce identical row types.
const sameRows: Same<Rows<typeof sqliteTables>, Rows<typeof pgTables>> = true;
void sameRows;

/** Every historian table name (data tables first, meta last). */
export const TABLE_NAMES = Object.values(sqliteTables).map((table) => getTableName(table));
