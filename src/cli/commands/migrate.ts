import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { maskUrl, parseDatabaseUrl } from '../../providers/sql/url.js';
import { HistorianError } from '../../core/errors.js';
import type { SqlConfig } from '../../providers/sql/config.js';
import type { ResolvedProvider } from '../../config/load.js';
import { applyMigration, databaseFailure, declaredTables, describeMissing, migrationPlan, openBackend, planMigration, type MigrationPlan } from '../../providers/sql/index.js';
import { manifestFor, optionsOf, UsageError } from '../shared.js';
import { writeOut } from '../output.js';

interface MigrateOptions {
  printSql?: boolean;
  provider?: string;
}

type SqlProvider = ResolvedProvider<SqlConfig>;

/** The plan of a SQLite file that does not exist yet: everything, without creating the file. */
async function planOfMissingFile(provider: SqlProvider): Promise<MigrationPlan | undefined> {
  const parsed = parseDatabaseUrl(provider.config.url ?? '');
  if (parsed.dialect !== 'sqlite' || parsed.path === ':memory:' || existsSync(parsed.path)) return undefined;
  return planMigration(await declaredTables('sqlite'), { tables: new Map(), indexes: new Set() });
}

/** Prints (with `--print-sql`) or applies the schema changes of one sql provider. */
async function migrateProvider(provider: SqlProvider, printSql: boolean): Promise<void> {
  try {
    await runMigration(provider, printSql);
  } catch (error) {
    // A driver error (a refused connection, a failed statement) names neither the provider nor the database.
    if (error instanceof HistorianError) throw error;
    const what = printSql ? 'reading the schema' : 'migration';
    databaseFailure(what, maskUrl(provider.config.url ?? ''), provider.config, provider.label)(error);
  }
}

async function runMigration(provider: SqlProvider, printSql: boolean): Promise<void> {
  const { label, config } = provider;
  const planned = printSql ? await planOfMissingFile(provider) : undefined;
  const backend = planned ? undefined : await openBackend(config, label);
  try {
    const plan = planned ?? (printSql ? await migrationPlan(backend!) : await applyMigration(backend!));
    const where = backend?.where ?? config.url;
    if (plan.statements.length === 0) {
      writeOut(`-- ${label} (${where}): schema is up to date\n`);
    } else if (printSql) {
      writeOut(`-- ${label} (${where}): adds ${describeMissing(plan)}\n${plan.statements.join('\n')}\n`);
    } else {
      writeOut(`${label} (${where}): added ${describeMissing(plan)}\n`);
    }
  } finally {
    await backend?.close();
  }
}

/** `historian migrate [--print-sql]`: adds the missing tables, columns and indexes of every sql provider. */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description('create or update the tables of the sql providers (adds what is missing; never drops anything)')
    .option('--print-sql', 'print the SQL that would run, without changing the database')
    .option('--provider <name>', 'only this sql provider (name or type)')
    .addHelpText('after', '\nExamples:\n  historian migrate --print-sql -c agents.yml\n  historian migrate -c agents.yml')
    .action(async (_options, command: Command) => {
      const options = optionsOf<MigrateOptions>(command);
      const manifest = manifestFor(options);
      const providers = manifest.providers.filter(
        (p): p is SqlProvider => p.config.type === 'sql' && (options.provider === undefined || p.label === options.provider || p.config.name === options.provider),
      );
      if (providers.length === 0) {
        throw new UsageError(options.provider ? `no sql provider named "${options.provider}" in ${manifest.file}` : `no sql provider in ${manifest.file}`);
      }
      for (const provider of providers) await migrateProvider(provider, options.printSql === true);
    });
}
