import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Dialect } from './ddl.js';
import { encodeNul } from './nul-text.js';

/** `%needle%` for LIKE, with the wildcards and the escape character of the needle escaped. */
export function likePattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Case-insensitive substring match. SQLite folds case with `historian_lower`, a function the
 * provider registers on its connection (JavaScript's `toLowerCase`, as the memory provider
 * uses), because SQLite's own `lower()` folds ASCII only; PostgreSQL has ILIKE.
 */
export function containsText(dialect: Dialect, column: SQLWrapper, needle: string): SQL {
  if (dialect === 'sqlite') return sql`historian_lower(${column}) LIKE ${likePattern(needle.toLowerCase())} ESCAPE '\\'`;
  return sql`${column} ILIKE ${likePattern(encodeNul(needle))} ESCAPE '\\'`;
}

/** Whether a JSON array column holds one of `values`. */
export function jsonArrayHasAny(dialect: Dialect, column: SQLWrapper, values: string[]): SQL {
  const list = sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
  if (dialect === 'sqlite') return sql`EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value IN (${list}))`;
  return sql`EXISTS (SELECT 1 FROM json_array_elements_text(${column}) AS element(value) WHERE element.value IN (${list}))`;
}

/** The distinct non-null values of a column per group, as a JSON array, read back sorted. */
export function distinctSorted(dialect: Dialect, column: SQLWrapper): SQL<string[]> {
  const aggregate = dialect === 'sqlite' ? sql`json_group_array(DISTINCT ${column})` : sql`json_agg(DISTINCT ${column})`;
  return aggregate.mapWith((value: unknown) => {
    const list = (typeof value === 'string' ? JSON.parse(value) : (value ?? [])) as (string | null)[];
    return list.filter((v): v is string => v !== null).sort();
  }) as SQL<string[]>;
}

/** The stats key of an hour, `2026-11-23T14:00Z`, from an ISO timestamp column. */
export function hourKey(column: SQLWrapper): SQL<string> {
  return sql<string>`substr(${column}, 1, 13) || ':00Z'`;
}

/** The stats key of a day, `2026-11-23`, from an ISO timestamp column. */
export function dayKey(column: SQLWrapper): SQL<string> {
  return sql<string>`substr(${column}, 1, 10)`;
}

/** `coalesce(sum(column), 0)` as a JavaScript number (PostgreSQL sums integers as bigint text). */
export function total(column: SQLWrapper): SQL<number> {
  return sql`coalesce(sum(${column}), 0)`.mapWith(Number);
}
