import { sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/mysql-core';
import { declareTables } from '../declared.js';
import type { Dialect, Statements } from '../dialect.js';
import { jsonPath } from '../fragments.js';
import type { LiveSchema } from '../plan.js';
import { mysqlTables } from '../schema/mysql.js';

/**
 * The collations that compare utf8mb4 text byte for byte without padding, best first: MySQL
 * 8's and MariaDB's. `utf8mb4_bin` (MySQL 5.7) pads, so `'a'` and `'a '` would be one key.
 */
export const BINARY_COLLATIONS = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin', 'utf8mb4_bin'] as const;

/** LIKE's escape character: `!` reads the same whether or not the server escapes with backslashes. */
const LIKE_ESCAPE = '!';

function likePattern(needle: string): string {
  return `%${needle.replace(/[!%_]/g, (c) => `${LIKE_ESCAPE}${c}`)}%`;
}

/** The values of a GROUP_CONCAT of HEX (so no value can hold the separator), decoded and sorted. */
function sortedHexList(value: unknown): string[] {
  const text = Buffer.isBuffer(value) ? value.toString('latin1') : typeof value === 'string' ? value : '';
  return text === '' ? [] : text.split(',').map((hex) => Buffer.from(hex, 'hex').toString('utf8')).sort();
}

async function liveSchema(s: Statements): Promise<LiveSchema> {
  const columns = await s.query<{ table_name: string; column_name: string }>(
    'SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()',
  );
  const indexes = await s.query<{ index_name: string }>(
    "SELECT DISTINCT INDEX_NAME AS index_name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME <> 'PRIMARY'",
  );
  const tables = new Map<string, Set<string>>();
  for (const { table_name, column_name } of columns) {
    const known = tables.get(table_name) ?? new Set<string>();
    known.add(column_name);
    tables.set(table_name, known);
  }
  return { tables, indexes: new Set(indexes.map((i) => i.index_name)) };
}

/**
 * MySQL and MariaDB, for tables created with `collation` (one of BINARY_COLLATIONS, the best the
 * server has). Text compares exactly; content filters compare lower-cased text, as the others.
 */
export function mysqlDialect(collation: string = BINARY_COLLATIONS[0]): Dialect {
  const options = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`;
  return {
    family: 'mysql',
    tables: mysqlTables,
    declared: () => declareTables('mysql', Object.values(mysqlTables).map(getTableConfig), options),
    containsText: (column, needle) => sql`LOWER(${column}) LIKE ${likePattern(needle.toLowerCase())} ESCAPE '!'`,
    jsonArrayHasAny(column, values) {
      const each = values.map((v) => sql`JSON_CONTAINS(${column}, JSON_ARRAY(${v}))`);
      return sql`(${sql.join(each, sql` OR `)})`;
    },
    // GROUP_CONCAT is cut at group_concat_max_len, which connect.ts raises for every connection;
    // it is NULL for a group without values, and drizzle decodes no NULL.
    distinctSorted: (column) => sql`COALESCE(GROUP_CONCAT(DISTINCT HEX(${column}) SEPARATOR ','), '')`.mapWith(sortedHexList),
    hourKey: (column) => sql<string>`CONCAT(SUBSTRING(${column}, 1, 13), ':00Z')`,
    dayKey: (column) => sql<string>`SUBSTRING(${column}, 1, 10)`,
    // JSON_EXTRACT gives JSON (MySQL) or text (MariaDB); adding 0 makes either a number.
    jsonNumber: (column, path) => sql<number | null>`(JSON_EXTRACT(${column}, ${jsonPath(path)}) + 0)`.mapWith(Number),
    jsonText: (column, path) => sql<string>`JSON_UNQUOTE(JSON_EXTRACT(${column}, ${jsonPath(path)}))`,
    after: ([a, b, c], [x, y, z]) => sql`(${a}, ${b}, ${c}) > (${x}, ${y}, ${z})`,
    liveSchema,
  };
}
