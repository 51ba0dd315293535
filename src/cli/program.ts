import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ManifestError, QueryError } from '../core/errors.js';
import { reportFailure, UsageError } from './failure.js';
import { OutputClosed, writeErr, writeOut } from './output.js';

/** A command: its name, its one-line description, and how to build it (its module loads only when it runs). */
interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/**
 * Every command. `historian --help` lists them from this table alone; a command's module (and
 * the drivers and libraries it needs) is imported only when that command runs, which keeps
 * `historian --help` close to a bare `node` start. A test checks each summary against the
 * command's own description.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'demo', summary: 'run a scripted multi-agent session through examples/demo.yml and show what each provider recorded', load: async () => (await import('./commands/demo.js')).demoCommand() },
  { name: 'validate', summary: 'check a manifest and print, per provider, its effective agents and logging flags', load: async () => (await import('./commands/validate.js')).validateCommand() },
  { name: 'ingest', summary: 'log JSON Lines entries (one entry object per line) from FILE or standard input', load: async () => (await import('./commands/ingest.js')).ingestCommand() },
  { name: 'history', summary: 'read history back from the reading provider (--provider, else default_provider, else the first readable one)', load: async () => (await import('./commands/history.js')).historyCommand() },
  { name: 'runs', summary: 'read the run log (docs/runs.md): runs rebuilt from their facts', load: async () => (await import('./commands/runs.js')).runsCommand() },
  { name: 'traces', summary: 'list traces, newest first: a trace per run with its LLM and tool call spans', load: async () => (await import('./commands/runs.js')).tracesCommand() },
  { name: 'tail', summary: 'print recent entries from the reading provider; -f keeps following new ones', load: async () => (await import('./commands/tail.js')).tailCommand() },
  { name: 'render', summary: 'render stored history through a template (a .j2 file, or chronological / conversations)', load: async () => (await import('./commands/render.js')).renderCommand() },
  { name: 'serve', summary: 'serve a local web console (and its JSON API) over the reading provider: conversations, runs, traces, sessions and cost', load: async () => (await import('./commands/serve.js')).serveCommand() },
  { name: 'schema', summary: "print the JSON Schema of the manifest's storage block (for editors and CI checks)", load: async () => (await import('./commands/schema.js')).schemaCommand() },
  { name: 'export', summary: 'copy history from the reading provider into a JSON, YAML, TOML, INI, JSON Lines or Markdown file', load: async () => (await import('./commands/transfer.js')).exportCommand() },
  { name: 'import', summary: "log a history file's entries (any file format) through the manifest's providers, keeping their ids", load: async () => (await import('./commands/transfer.js')).importCommand() },
  { name: 'migrate', summary: 'create or update the tables of the sql providers (adds what is missing; never drops anything)', load: async () => (await import('./commands/migrate.js')).migrateCommand() },
];

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The name of the command `argv` runs, if any: its first argument that is not a global option. */
function commandOf(argv: readonly string[]): string | undefined {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-c' || arg === '--config') i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * The `historian` program for `argv`: the command it runs is built in full, every other one is
 * only named and described (enough for `historian --help` and "did you mean").
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const wanted = commandOf(argv);
  const program = new Command('historian')
    .description('Record what LLM agents do into SQL, text, file and memory providers, and read it back.')
    .version(version)
    .option('-c, --config <manifest>', 'agent manifest (default: $HISTORIAN_CONFIG, else ./agents.yml, else built-in defaults)')
    .addHelpText('after', '\nExamples:\n  historian demo\n  historian validate -c agents.yml\n  historian history show --since 1d');
  for (const entry of COMMANDS) program.addCommand(entry.name === wanted ? await entry.load() : new Command(entry.name).description(entry.summary));
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
    const program = (await buildProgram(argv)).hook('preAction', (_program, action) => {
      running = commandPath(action);
    });
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    // The reader of our output went away: stop quietly, as `cat` does.
    if (error instanceof OutputClosed) return Number(process.exitCode ?? 0);
    if (!(error instanceof CommanderError)) reportFailure(error, running); // commander printed its own
    return exitCodeOf(error);
  }
}

/**
 * Reports an error that escaped every command (an uncaught exception, an unhandled rejection
 * from a driver's background work) as one line, like any other failure, and exits 1.
 */
export function reportUncaught(error: unknown): never {
  if (error instanceof OutputClosed) process.exit(Number(process.exitCode ?? 0));
  reportFailure(error, running);
  process.exit(1);
}
