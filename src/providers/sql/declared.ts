import { is, SQL, type Column } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { DeclaredColumn, DeclaredTable, Dialect } from './ddl.js';
import { pgTables, sqliteTables } from './schema/index.js';

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

