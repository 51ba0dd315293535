import { driverCause, ProviderError } from '../../core/errors.js';
import type { Family } from './ddl.js';
import type { Dialect, OpenOptions, SqlBackend } from './dialect.js';
import { describeDatabaseFailure, type ConnectionConfig } from './failure.js';
import { maskUrl, parseDatabaseUrl } from './url.js';

/** The dialect of a family, loaded on demand (drizzle's dialect code with it, no driver). */
export async function loadDialect(family: Family): Promise<Dialect> {
  switch (family) {
    case 'sqlite':
      return (await import('./sqlite/dialect.js')).sqliteDialect;
    case 'postgres':
      return (await import('./pg/dialect.js')).pgDialect;
    case 'mysql':
      return (await import('./mysql/dialect.js')).mysqlDialect();
  }
}

async function openFamily(url: string, options: OpenOptions): Promise<SqlBackend> {
  const parsed = parseDatabaseUrl(url);
  switch (parsed.dialect) {
    case 'sqlite':
      return (await import('./sqlite/connect.js')).openSqlite(parsed.path, options);
    case 'pglite':
      return (await import('./pg/connect.js')).openPglite(parsed.path, options);
    case 'postgres':
      return (await import('./pg/connect.js')).openPostgres(parsed.connectionString, options);
    case 'mysql':
      return (await import('./mysql/connect.js')).openMysql(parsed.connectionString, options);
  }
}

/**
 * Opens the database of an sql provider and checks that it answers; only its family's code and
 * driver are loaded. Throws `ProviderError` naming the database (password masked) and the root
 * cause, e.g. ECONNREFUSED or 28P01.
 */
export async function openBackend(config: ConnectionConfig, label: string, report: Pick<OpenOptions, 'warn' | 'progress'> = {}): Promise<SqlBackend> {
  const url = config.url ?? '';
  const where = maskUrl(url);
  try {
    return await openFamily(url, { where, label, config, ...report });
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw new ProviderError(`cannot open ${where}: ${describeDatabaseFailure(error, config)}`, label, { cause: driverCause(error) });
  }
}
