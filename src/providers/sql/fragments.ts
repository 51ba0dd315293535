import { getTableColumns, sql, type AnyColumn, type SQL, type SQLWrapper, type Table } from 'drizzle-orm';

// SQL fragments that read the same in every family; the ones that differ are in each Dialect.

/** `%needle%` for LIKE, with the wildcards and the escape character of the needle escaped. */
export function likePattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A column as a selected value or grouping key, decoded by the column itself (JSON, NUL text). */
export function field<T>(column: AnyColumn<{ data: T }>): SQL<T | null> {
  return sql<T | null>`${column}`.mapWith(column);
}

/** `coalesce(sum(column), 0)` as a JavaScript number (PostgreSQL sums integers as bigint text). */
export function total(column: SQLWrapper): SQL<number> {
  return sql`coalesce(sum(${column}), 0)`.mapWith(Number);
}

/** The sums of a group of messages that stats and their totals keep: tokens of each kind, and cost. */
export function messageSums(m: Record<'total_tokens' | 'prompt_tokens' | 'completion_tokens' | 'cache_read_tokens' | 'cache_write_tokens' | 'reasoning_tokens' | 'cost', SQLWrapper>) {
  return {
    total_tokens: total(m.total_tokens),
    prompt_tokens: total(m.prompt_tokens),
    completion_tokens: total(m.completion_tokens),
    cache_read_tokens: total(m.cache_read_tokens),
    cache_write_tokens: total(m.cache_write_tokens),
    reasoning_tokens: total(m.reasoning_tokens),
    cost: total(m.cost),
  };
}

/** A JSON array aggregate (text or parsed, by driver) read back as its sorted non-null strings. */
export function sortedList(aggregate: SQL<unknown>): SQL<string[]> {
  return aggregate.mapWith((value: unknown) => {
    const list = (typeof value === 'string' ? JSON.parse(value) : (value ?? [])) as (string | null)[];
    return list.filter((v): v is string => v !== null).sort();
  });
}

/** Object keys of a JSON path, checked to be plain names: paths are written into the SQL (a bound path would make two equal expressions differ for GROUP BY). */
function pathKeys(keys: readonly string[]): readonly string[] {
  for (const key of keys) if (!/^[a-z_]+$/.test(key)) throw new Error(`not a plain JSON key: ${key}`);
  return keys;
}

/** The JSON path `'$.a.b'` of object keys, as SQL text (SQLite, MySQL). */
export function jsonPath(keys: readonly string[]): SQL {
  return sql.raw(`'$.${pathKeys(keys).join('.')}'`);
}

/** The JSON path `'{a,b}'` of object keys, as SQL text (PostgreSQL). */
export function pgJsonPath(keys: readonly string[]): SQL {
  return sql.raw(`'{${pathKeys(keys).join(',')}}'`);
}

/** The agent of a stored message's conversation, for an UPDATE of `messages`. */
export const AGENT_OF_MESSAGE: SQL<string | null> = sql<string | null>`(SELECT c.agent_name FROM conversations c WHERE c.conversation_id = messages.conversation_id)`;

/** A table's primary-key column and, by key, every other column: what an upsert keys on and replaces. */
export function upsertColumns<T extends Table>(table: T): { key: AnyColumn; others: [string, AnyColumn][] } {
  const columns = Object.entries(getTableColumns(table)) as [string, AnyColumn][];
  const key = columns.find(([, column]) => column.primary);
  if (!key) throw new Error(`table ${table._.name} has no primary key`);
  return { key: key[1], others: columns.filter(([, column]) => !column.primary) };
}

/** The columns of a table other than `key`, each set to itself plus `added(column)`: an upsert that counts. */
export function incremented(table: Table, key: readonly string[], added: (column: AnyColumn) => SQL): Record<string, SQL> {
  const columns = Object.entries(getTableColumns(table)) as [string, AnyColumn][];
  return Object.fromEntries(columns.filter(([name]) => !key.includes(name)).map(([name, column]) => [name, sql`${column} + ${added(column)}`]));
}

// Ids per `IN (…)` list: well under the bind-parameter limits of every family.
const IDS_PER_QUERY = 500;

/** Ids in lists short enough for one `IN (…)` each. */
export function chunked<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IDS_PER_QUERY) out.push(items.slice(i, i + IDS_PER_QUERY));
  return out;
}

/**
 * Completes a stored tool call with a later one of the same conversation and `tool_call_id`
 * (docs/entries.md): its result is attached when it has none. Parameters: result (JSON text),
 * conversation_id, tool_call_id. The same text in every family.
 */
export const COMPLETE_TOOL_CALL = 'UPDATE tool_calls SET result = ? WHERE conversation_id = ? AND tool_call_id = ? AND result IS NULL';
