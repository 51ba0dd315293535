import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { ResolveContext } from '../../core/provider.js';
import type { ConfigOf } from '../../core/define-provider.js';
import { parseDatabaseUrl } from './url.js';

const databaseUrl = z
  .string()
  .min(1)
  .superRefine((url, ctx) => {
    try {
      parseDatabaseUrl(url);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  })
  .describe('sqlite:///rel.db, sqlite:////abs.db, sqlite:///:memory:, postgresql://…, postgres://…, mysql://…, mariadb://…, pglite:///dir, pglite://memory');

/** The fields of a `type: sql` provider besides the common ones (docs/manifest.md). */
export const sqlOptions = {
  url: databaseUrl.optional().describe('Database URL; default: HISTORIAN_DB_URL or the SQLite file under XDG_DATA_HOME'),
  pool_size: z.number().int().min(1).default(5).describe('PostgreSQL and MySQL connection pool size'),
  auto_migration: z.boolean().default(true).describe('Create missing tables, columns and indexes on open'),
  connect_timeout_ms: z.number().int().nonnegative().default(10_000).describe('PostgreSQL and MySQL: give up connecting after this many ms (0 = wait forever)'),
  query_timeout_ms: z
    .number()
    .int()
    .nonnegative()
    .default(60_000)
    .describe('PostgreSQL and MySQL: cancel a statement that runs longer than this many ms (0 = no limit)'),
};

/** A validated `type: sql` config. */
export type SqlConfig = ConfigOf<'sql', typeof sqlOptions>;

/** The SQLite URL used when no provider or no `url` is given (docs/manifest.md). */
export function defaultDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HISTORIAN_DB_URL) return env.HISTORIAN_DB_URL;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return `sqlite:///${join(dataHome, 'historian', 'history.db')}`;
}

/** The config with its URL defaulted and a relative SQLite file or PGlite folder made absolute. */
export function resolveSqlConfig(config: SqlConfig, { baseDir, env }: ResolveContext): SqlConfig {
  const url = config.url ?? defaultDatabaseUrl(env);
  const parsed = parseDatabaseUrl(url, baseDir);
  if (parsed.dialect === 'postgres' || parsed.dialect === 'mysql' || parsed.path === ':memory:' || parsed.path === 'memory') return { ...config, url };
  return { ...config, url: `${parsed.dialect}:///${parsed.path}` };
}
