import { is, SQL, type Column } from 'drizzle-orm';
import type { DeclaredColumn, DeclaredTable, Family } from './ddl.js';

/** What drizzle's `getTableConfig` gives for a table, in every dialect: the parts DDL needs. */
export interface TableConfig {
  name: string;
  columns: Column[];
  indexes: { config: { name?: string | undefined; columns: readonly unknown[]; unique?: boolean | undefined } }[];
}

function literal(value: unknown, family: Family): string {
  if (typeof value === 'boolean') return family === 'sqlite' ? (value ? '1' : '0') : String(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  throw new Error(`unsupported column default ${JSON.stringify(value)}`);
}

function declaredColumn(column: Column, family: Family): DeclaredColumn {
  const declared: DeclaredColumn = { name: column.name, sqlType: column.getSQLType(), notNull: column.notNull, primary: column.primary };
  if (column.default !== undefined && !is(column.default, SQL)) declared.default = literal(column.default, family);
  return declared;
}

function indexColumns(columns: readonly unknown[]): string[] {
  return columns.map((column) => {
    if (is(column, SQL)) throw new Error('expression indexes are not supported by the DDL generator');
    return (column as Column).name;
  });
}

/** The declared tables of a family, from the drizzle table configs of its declarations; `options` follow each CREATE TABLE. */
export function declareTables(family: Family, configs: TableConfig[], options?: string): DeclaredTable[] {
  return configs.map((config) => ({
    family,
    name: config.name,
    columns: config.columns.map((c) => declaredColumn(c, family)),
    indexes: config.indexes.map(({ config: i }) => ({ name: i.name ?? `${config.name}_idx`, columns: indexColumns(i.columns), unique: i.unique === true })),
    ...(options === undefined ? {} : { options }),
  }));
}
