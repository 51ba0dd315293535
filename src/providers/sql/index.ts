import { defineProvider } from '../../core/define-provider.js';
import { resolveSqlConfig, sqlOptions } from './config.js';
import { maskUrl } from './url.js';

// This module is imported at startup by the provider registry, for every command, and so are the
// modules it imports statically: none loads a driver or drizzle. A family's dialect, its driver
// and the queries are imported when a manifest opens an sql provider (or `historian migrate` runs).

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
  migrate: async (provider, options) => (await import('./migrate-command.js')).migrateSql(provider, options),
});
