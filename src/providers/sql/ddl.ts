import { is, SQL, type Column } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { pgTables, sqliteTables } from './schema/index.js';

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

function literal(value: unknown, dialect: Dialect): string {
  if (typeof value === 'boolean') return dialect === 'sqlite' ? (value ? '1' : '0') : String(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  throw new Error(`unsupported column default ${JSON.stringify(value)}`);
}

function declaredColumn(column: Column, dialect: Dialect): DeclaredColumn {
  const declared: DeclaredColumn = { name: column.name, sqlType: column.getSQLType(), notNull: column.notNull, primary: column.primary };
  if (column.default !== undefined && !is(column.default, SQL)) declared.default = literal(column.default, dialect);
  return declared;
}

function indexColumns(columns: readonly unknown[]): string[] {
  return columns.map((column) => {
    if (is(column, SQL)) throw new Error('expression indexes are not supported by the DDL generator');
    return (column as Column).name;
  });
}

/** The declared tables of a dialect, read from the drizzle declarations with `getTableConfig`. */
export function declaredTables(dialect: Dialect): DeclaredTable[] {
  if (dialect === 'sqlite') {
    return Object.values(sqliteTables).map((table: SQLiteTable) => {
      const config = sqliteTableConfig(table);
      return {
        name: config.name,
        columns: config.columns.map((c) => declaredColumn(c, dialect)),
        indexes: config.indexes.map(({ config: i }) => ({ name: i.name, columns: indexColumns(i.columns), unique: i.unique })),
      };
    });
  }
  return Object.values(pgTables).map((table: PgTable) => {
    const config = pgTableConfig(table);
    return {
      name: config.name,
      columns: config.columns.map((c) => declaredColumn(c, dialect)),
      indexes: config.indexes.map(({ config: i }) => ({
        name: i.name ?? `${config.name}_idx`,
        columns: indexColumns(i.columns.map((c) => (is(c, SQL) ? c : (c as unknown as Column)))),
        unique: i.unique,
      })),
    };
  });
}

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
