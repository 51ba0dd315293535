import { sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/sqlite-core';
import { declareTables } from '../declared.js';
import type { Dialect, Statements } from '../dialect.js';
import { jsonPath, likePattern, sortedList } from '../fragments.js';
import type { LiveSchema } from '../plan.js';
import { sqliteTables } from '../schema/sqlite.js';
import { searchCandidates, sqliteSearch } from './search.js';

async function liveSchema(s: Statements): Promise<LiveSchema> {
  const objects = await s.query<{ type: string; name: string }>("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'");
  const tables = new Map<string, Set<string>>();
  for (const { name } of objects.filter((o) => o.type === 'table')) {
    const columns = await s.query<{ name: string }>(`PRAGMA table_info("${name.replace(/"/g, '""')}")`);
    tables.set(name, new Set(columns.map((c) => c.name)));
  }
  return { tables, indexes: new Set(objects.filter((o) => o.type === 'index').map((o) => o.name)) };
}

/** SQLite: JSON as text read with json_each / json_group_array, row-value comparisons. */
export const sqliteDialect: Dialect = {
  family: 'sqlite',
  tables: sqliteTables,
  declared: () => declareTables('sqlite', Object.values(sqliteTables).map(getTableConfig)),
  // SQLite's own lower() folds ASCII only: `historian_lower` is JavaScript's toLowerCase, as the
  // memory provider uses, registered on the connection (see connect.ts).
  containsText(column, needle, indexed) {
    const folded = needle.toLowerCase();
    const exact = sql`historian_lower(${column}) LIKE ${likePattern(folded)} ESCAPE '\\'`;
    const candidates = indexed && column === sqliteTables.messages.content ? searchCandidates(folded) : undefined;
    return candidates === undefined ? exact : sql`(${candidates} AND ${exact})`;
  },
  search: sqliteSearch,
  jsonArrayHasAny(column, values) {
    const list = sql.join(
      values.map((v) => sql`${v}`),
      sql`, `,
    );
    return sql`EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value IN (${list}))`;
  },
  distinctSorted: (column) => sortedList(sql`json_group_array(DISTINCT ${column})`),
  hourKey: (column) => sql<string>`substr(${column}, 1, 13) || ':00Z'`,
  dayKey: (column) => sql<string>`substr(${column}, 1, 10)`,
  jsonNumber: (column, path) => sql<number | null>`json_extract(${column}, ${jsonPath(path)})`.mapWith(Number),
  jsonText: (column, path) => sql<string>`json_extract(${column}, ${jsonPath(path)})`,
  after: ([a, b, c], [x, y, z]) => sql`(${a}, ${b}, ${c}) > (${x}, ${y}, ${z})`,
  liveSchema,
};
