import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EntryError, HistorianError, ManifestError, QueryError } from '../errors.js';
import { demoCommand } from './commands/demo.js';
import { historyCommand } from './commands/history.js';
import { ingestCommand } from './commands/ingest.js';
import { migrateCommand } from './commands/migrate.js';
import { renderCommand } from './commands/render.js';
import { runsCommand, tracesCommand } from './commands/runs.js';
import { schemaCommand } from './commands/schema.js';
import { tailCommand } from './commands/tail.js';
import { exportCommand, importCommand } from './commands/transfer.js';
import { validateCommand } from './commands/validate.js';
import { UsageError } from './shared.js';

/** Registers every command; one line per command module in ./commands. */
const COMMANDS = [
  demoCommand,
  validateCommand,
  ingestCommand,
  historyCommand,
  runsCommand,
  tracesCommand,
  tailCommand,
  renderCommand,
  schemaCommand,
  exportCommand, importCommand,
  migrateCommand,
];

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The `historian` program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('historian')
    .description('Record what LLM agents do into SQL, text, file and memory providers, and read it back.')
    .version(version)
    .option('-c, --config <manifest>', 'agent manifest (default: $HISTORIAN_CONFIG, else ./agents.yml, else built-in defaults)')
    .addHelpText('after', '\nExamples:\n  historian demo\n  historian validate -c agents.yml\n  historian history show --since 1d');
  for (const register of COMMANDS) program.addCommand(register());
  const configure = (command: Command): void => {
    command.exitOverride().showHelpAfterError();
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Exit code of an error: 2 for bad usage or a bad manifest, 1 for a runtime failure. */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof ManifestError || error instanceof UsageError || error instanceof QueryError) return 2;
  return 1;
}

function report(error: unknown): void {
  if (error instanceof CommanderError) return; // commander already printed it
  if (error instanceof ManifestError) {
    process.stderr.write(`historian: invalid manifest (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}):\n`);
    for (const line of error.message.split('\n')) process.stderr.write(`  ${line}\n`);
    return;
  }
  if (error instanceof HistorianError || error instanceof EntryError) {
    process.stderr.write(`historian: ${error.message}\n`);
    return;
  }
  process.stderr.write(`historian: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}

/** Runs the CLI with `argv` and resolves to its exit code. */
export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    report(error);
    return exitCodeOf(error);
  }
}
