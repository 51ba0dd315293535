import { defineProvider } from '../../core/define-provider.js';
import { resolveSqlConfig, sqlOptions } from './config.js';
import type { ConnectionConfig } from './failure.js';
import type { DeclaredTable, Dialect } from './ddl.js';
import type { SqlBackend } from './connect.js';
import type { MigrationPlan } from './plan.js';
import { maskUrl } from './url.js';

// This module is imported at startup by the provider registry, for every command: it holds the
// definition only. Drivers, drizzle and the queries load when a manifest opens an sql provider.

export type { SqlBackend } from './connect.js';
export { databaseFailure } from './failure.js';
export { describeMissing, planMigration, type MigrationPlan } from './plan.js';

/** Opens the database of an sql provider (loading its driver) and checks that it answers. */
export async function openBackend(config: ConnectionConfig, label: string): Promise<SqlBackend> {
  return (await import('./connect.js')).openBackend(config, label);
}

/** What a connected database lacks compared with the declared schema, and the DDL that adds it. */
export async function migrationPlan(backend: SqlBackend): Promise<MigrationPlan> {
  return (await import('./migrate.js')).migrationPlan(backend);
}

/** Adds what a connected database lacks, in one transaction; returns the plan applied. */
export async function applyMigration(backend: SqlBackend): Promise<MigrationPlan> {
  return (await import('./migrate.js')).applyMigration(backend);
}

/** The tables of a dialect as declared in drizzle, for planning DDL without a connection. */
export async function declaredTables(dialect: Dialect): Promise<DeclaredTable[]> {
  return (await import('./declared.js')).declaredTables(dialect);
}

/**
 * `type: sql` — history in SQLite (better-sqlite3), PostgreSQL (pg) or PGlite through
 * drizzle-orm. Opening connects, then adds missing tables, columns and indexes
 * (`auto_migration`) or fails naming them; each batch is written in one transaction.
 */
export const sqlProvider = defineProvider({
  type: 'sql',
  options: sqlOptions,
  readable: true,
  resolve: resolveSqlConfig,
  describe: (config) => maskUrl(config.url ?? ''),
  open: async (provider, ctx) => (await import('./open.js')).openSql(provider, ctx),
});
