import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ManifestError, QueryError } from '../core/errors.js';
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
import { reportFailure } from './failure.js';
import { writeErr, writeOut } from './output.js';
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
    // Help and usage errors echo arguments, so they go through the same writer as everything else.
    command.exitOverride().showHelpAfterError().configureOutput({ writeOut: (text) => writeOut(text), writeErr });
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

/** `history show` for the command whose action runs: failures are named after it. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/** The command whose action is running, to name it in failures. */
let running = '';

/** Runs the CLI with `argv` and resolves to its exit code. */
export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    const program = buildProgram().hook('preAction', (_program, action) => {
      running = commandPath(action);
    });
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (!(error instanceof CommanderError)) reportFailure(error, running); // commander printed its own
    return exitCodeOf(error);
  }
}

/**
 * Reports an error that escaped every command (an uncaught exception, an unhandled rejection
 * from a driver's background work) as one line, like any other failure, and exits 1.
 */
export function reportUncaught(error: unknown): never {
  reportFailure(error, running);
  process.exit(1);
}
