import { sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { declareTables } from '../declared.js';
import type { Dialect, Statements } from '../dialect.js';
import { likePattern, pgJsonPath, sortedList } from '../fragments.js';
import { encodeNul } from '../nul-text.js';
import type { LiveSchema } from '../plan.js';
import { pgTables } from '../schema/pg.js';
import { pgSearch } from './search.js';

async function liveSchema(s: Statements): Promise<LiveSchema> {
  const columns = await s.query<{ table_name: string; column_name: string }>(
    'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()',
  );
  const indexes = await s.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()');
  const tables = new Map<string, Set<string>>();
  for (const { table_name, column_name } of columns) {
    const known = tables.get(table_name) ?? new Set<string>();
    known.add(column_name);
    tables.set(table_name, known);
  }
  return { tables, indexes: new Set(indexes.map((i) => i.indexname)) };
}

/** PostgreSQL and PGlite: ILIKE, `json` arrays read with json_array_elements_text, row values. */
export const pgDialect: Dialect = {
  family: 'postgres',
  tables: pgTables,
  declared: () => declareTables('postgres', Object.values(pgTables).map(getTableConfig)),
  // Text is stored NUL-escaped (nul-text.ts): the needle is escaped the same way. The planner
  // answers from the pg_trgm index where there is one (search.ts), whatever `indexed` says.
  containsText: (column, needle) => sql`${column} ILIKE ${likePattern(encodeNul(needle))} ESCAPE '\\'`,
  search: pgSearch,
  jsonArrayHasAny(column, values) {
    const list = sql.join(
      values.map((v) => sql`${v}`),
      sql`, `,
    );
    return sql`EXISTS (SELECT 1 FROM json_array_elements_text(${column}) AS element(value) WHERE element.value IN (${list}))`;
  },
  distinctSorted: (column) => sortedList(sql`json_agg(DISTINCT ${column})`),
  hourKey: (column) => sql<string>`substr(${column}, 1, 13) || ':00Z'`,
  dayKey: (column) => sql<string>`substr(${column}, 1, 10)`,
  jsonNumber: (column, path) => sql<number | null>`(${column} #>> ${pgJsonPath(path)})::float8`.mapWith(Number),
  jsonText: (column, path) => sql<string>`(${column} #>> ${pgJsonPath(path)})`,
  after: ([a, b, c], [x, y, z]) => sql`(${a}, ${b}, ${c}) > (${x}, ${y}, ${z})`,
  liveSchema,
};
