import { existsSync } from 'node:fs';
import { HistorianError } from '../../core/errors.js';
import type { MigrateOptions, ResolvedProvider } from '../../core/provider.js';
import { openBackend } from './backend.js';
import type { SqlConfig } from './config.js';
import { databaseFailure } from './failure.js';
import { applyMigration, migrationPlan, planIsEmpty } from './migrate.js';
import { describeMissing, planMigration, type MigrationPlan } from './plan.js';
import { maskUrl, parseDatabaseUrl } from './url.js';

type SqlProvider = ResolvedProvider<SqlConfig>;

/** The plan of a SQLite file that does not exist yet: everything, without creating the file. */
async function planOfMissingFile(provider: SqlProvider): Promise<MigrationPlan | undefined> {
  const parsed = parseDatabaseUrl(provider.config.url ?? '');
  if (parsed.dialect !== 'sqlite' || parsed.path === ':memory:' || existsSync(parsed.path)) return undefined;
  const { sqliteDialect } = await import('./sqlite/dialect.js');
  const plan = planMigration(sqliteDialect.declared(), { tables: new Map(), indexes: new Set() });
  return { ...plan, missingSearch: sqliteDialect.search!.name, searchSql: [...sqliteDialect.search!.createSql] };
}

function report(label: string, where: string, plan: MigrationPlan, printOnly: boolean): string {
  if (planIsEmpty(plan)) return `-- ${label} (${where}): schema is up to date\n`;
  if (printOnly) return `-- ${label} (${where}): adds ${describeMissing(plan)}\n${[...plan.statements, ...plan.searchSql].join('\n')}\n`;
  return `${label} (${where}): added ${describeMissing(plan)}\n`;
}

async function run(provider: SqlProvider, { printOnly, progress, warn }: MigrateOptions): Promise<string> {
  const { label, config } = provider;
  const planned = printOnly ? await planOfMissingFile(provider) : undefined;
  if (planned) return report(label, maskUrl(config.url ?? ''), planned, true);
  const backend = await openBackend(config, label);
  try {
    const plan = printOnly ? await migrationPlan(backend) : await applyMigration(backend, { progress: (done, total) => progress?.(`${label}: search index`, done, total), warn });
    return report(label, backend.where, plan, printOnly);
  } finally {
    await backend.close();
  }
}

/**
 * `historian migrate` for one sql provider: prints (`printOnly`) or applies the tables, columns
 * and indexes it is missing. A driver error is reported naming the provider and the database.
 */
export async function migrateSql(provider: SqlProvider, options: MigrateOptions): Promise<string> {
  const { printOnly } = options;
  try {
    return await run(provider, options);
  } catch (error) {
    if (error instanceof HistorianError) throw error;
    return databaseFailure(printOnly ? 'reading the schema' : 'migration', maskUrl(provider.config.url ?? ''), provider.config, provider.label)(error);
  }
}
