import { Command } from 'commander';
import { manifestFor, optionsOf, UsageError } from '../shared.js';
import { diagnostic, writeOut } from '../output.js';
import { taskProgress } from '../progress.js';

interface MigrateOptions {
  printSql?: boolean;
  provider?: string;
}

/**
 * `historian migrate [--print-sql]`: adds the missing tables, columns and indexes of every
 * provider whose type has a schema (the sql providers), one after another.
 */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description('create or update the tables of the sql providers (adds what is missing; never drops anything)')
    .option('--print-sql', 'print the SQL that would run, without changing the database')
    .option('--provider <name>', 'only this provider (name or type)')
    .addHelpText('after', '\nExamples:\n  historian migrate --print-sql -c agents.yml\n  historian migrate -c agents.yml')
    .action(async (_options, command: Command) => {
      const options = optionsOf<MigrateOptions>(command);
      const manifest = manifestFor(options);
      const named = (label: string, name: string | undefined) => options.provider === undefined || label === options.provider || name === options.provider;
      const providers = manifest.providers.filter((p) => p.definition.migrate !== undefined && named(p.label, p.config.name));
      if (providers.length === 0) {
        throw new UsageError(options.provider ? `no sql provider named "${options.provider}" in ${manifest.file}` : `no sql provider in ${manifest.file} (only sql providers have tables to migrate)`);
      }
      for (const provider of providers) writeOut(await provider.definition.migrate!(provider, { printOnly: options.printSql === true, progress: taskProgress(), warn: (message) => diagnostic(`warning: ${message}`) }));
    });
}
