// The DDL historian runs: CREATE TABLE / ADD COLUMN / CREATE INDEX text from the declared tables.
// Plain strings, no drizzle: `historian migrate --print-sql` plans a new SQLite file with this.

/** The SQL families historian speaks; PGlite is of the PostgreSQL family, MariaDB of MySQL's. */
export type Family = 'sqlite' | 'postgres' | 'mysql';

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

/** A table as declared in drizzle, for one family. */
export interface DeclaredTable {
  family: Family;
  name: string;
  columns: DeclaredColumn[];
  indexes: DeclaredIndex[];
  /** What follows CREATE TABLE's column list (MySQL: engine, character set and collation). */
  options?: string;
}

/** An identifier quoted for a family (MySQL quotes with backticks unless ANSI_QUOTES is set). */
export function quoteName(family: Family, name: string): string {
  if (family === 'mysql') return `\`${name.replace(/`/g, '``')}\``;
  return `"${name.replace(/"/g, '""')}"`;
}

/** The column definition of CREATE TABLE / ADD COLUMN. */
function columnDefinition(family: Family, column: DeclaredColumn): string {
  const parts = [quoteName(family, column.name), column.sqlType];
  if (column.primary) parts.push('PRIMARY KEY');
  if (column.notNull) parts.push('NOT NULL');
  if (column.default !== undefined) parts.push(`DEFAULT ${column.default}`);
  return parts.join(' ');
}

/** CREATE TABLE for a declared table (without its indexes). */
export function createTableSql(table: DeclaredTable): string {
  const columns = table.columns.map((c) => `  ${columnDefinition(table.family, c)}`).join(',\n');
  const options = table.options === undefined ? '' : ` ${table.options}`;
  return `CREATE TABLE IF NOT EXISTS ${quoteName(table.family, table.name)} (\n${columns}\n)${options};`;
}

/** ALTER TABLE … ADD COLUMN for a column missing from a live table. */
export function addColumnSql(table: DeclaredTable, column: DeclaredColumn): string {
  if (column.primary) throw new Error(`cannot add primary key column ${table.name}.${column.name} to an existing table`);
  if (column.notNull && column.default === undefined) {
    throw new Error(`cannot add NOT NULL column ${table.name}.${column.name} without a default to an existing table`);
  }
  return `ALTER TABLE ${quoteName(table.family, table.name)} ADD COLUMN ${columnDefinition(table.family, column)};`;
}

/**
 * CREATE INDEX for a declared index. MySQL has no IF NOT EXISTS here (MariaDB has): the plan is
 * computed under the migration lock, so the index is known to be missing.
 */
export function createIndexSql(table: DeclaredTable, index: DeclaredIndex): string {
  const name = (identifier: string) => quoteName(table.family, identifier);
  const unique = index.unique ? 'UNIQUE ' : '';
  const ifNotExists = table.family === 'mysql' ? '' : 'IF NOT EXISTS ';
  return `CREATE ${unique}INDEX ${ifNotExists}${name(index.name)} ON ${name(table.name)} (${index.columns.map(name).join(', ')});`;
}

/** DROP TABLE for a hard reset. */
export function dropTableSql(family: Family, table: string): string {
  return `DROP TABLE IF EXISTS ${quoteName(family, table)};`;
}
