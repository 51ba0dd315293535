/** The SQL dialect family of a connection. */
export type Dialect = 'sqlite' | 'postgres';

/** A column as declared in drizzle, reduced to what DDL needs. */
export interface DeclaredColumn {
  name: string;
  sqlType: string;
  notNull: boolean;
  primary: boolean;
  /** The default as SQL text, when declared. */
  default?: string;
}

/** An index as declared in drizzle. */
export interface DeclaredIndex {
  name: string;
  columns: string[];
  unique: boolean;
}

/** A table as declared in drizzle, for one dialect. */
export interface DeclaredTable {
  name: string;
  columns: DeclaredColumn[];
  indexes: DeclaredIndex[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The column definition of CREATE TABLE / ADD COLUMN. */
export function columnDefinition(column: DeclaredColumn): string {
  const parts = [quote(column.name), column.sqlType];
  if (column.primary) parts.push('PRIMARY KEY');
  if (column.notNull) parts.push('NOT NULL');
  if (column.default !== undefined) parts.push(`DEFAULT ${column.default}`);
  return parts.join(' ');
}

/** CREATE TABLE for a declared table (without its indexes). */
export function createTableSql(table: DeclaredTable): string {
  const columns = table.columns.map((c) => `  ${columnDefinition(c)}`).join(',\n');
  return `CREATE TABLE IF NOT EXISTS ${quote(table.name)} (\n${columns}\n);`;
}

/** ALTER TABLE … ADD COLUMN for a column missing from a live table. */
export function addColumnSql(table: string, column: DeclaredColumn): string {
  if (column.primary) throw new Error(`cannot add primary key column ${table}.${column.name} to an existing table`);
  if (column.notNull && column.default === undefined) {
    throw new Error(`cannot add NOT NULL column ${table}.${column.name} without a default to an existing table`);
  }
  return `ALTER TABLE ${quote(table)} ADD COLUMN ${columnDefinition(column)};`;
}

/** CREATE INDEX for a declared index. */
export function createIndexSql(table: string, index: DeclaredIndex): string {
  const unique = index.unique ? 'UNIQUE ' : '';
  return `CREATE ${unique}INDEX IF NOT EXISTS ${quote(index.name)} ON ${quote(table)} (${index.columns.map(quote).join(', ')});`;
}

/** DROP TABLE for a hard reset. */
export function dropTableSql(table: string): string {
  return `DROP TABLE IF EXISTS ${quote(table)};`;
}
