import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { exportHistory, importEntries, transferFormat, type ExportFormat, type ExportOutput, type TransferSummary } from '../../transfer/transfer.js';
import { progress } from '../progress.js';
import { optionsOf, UsageError, withHistorian, withHistory } from '../shared.js';
import { writeErr, writeOutBytes } from '../output.js';
import { count } from '../../core/count.js';
import { normaliseEncoding } from '../../core/encodings.js';
import { BINARY_ENCODINGS } from '../../formats/formats.js';

const FORMATS = ['auto', 'json', 'yaml', 'toml', 'ini', 'jsonl', 'markdown'] as const;

interface TransferFlags {
  format: ExportFormat | 'auto';
  encoding: BufferEncoding;
}

function formatFlag(value: string): ExportFormat | 'auto' {
  if ((FORMATS as readonly string[]).includes(value)) return value as ExportFormat | 'auto';
  throw new UsageError(`invalid --format "${value}": expected ${FORMATS.join(', ')}`);
}

function encodingFlag(value: string): BufferEncoding {
  const encoding = normaliseEncoding(value);
  if (encoding === undefined || BINARY_ENCODINGS.has(encoding)) {
    throw new UsageError(`invalid --encoding "${value}": expected a text encoding such as utf-8, utf-16le or latin1`);
  }
  return encoding;
}

/** The file's format; an extension nobody knows is bad usage, not a runtime failure. */
function formatOf(file: string, flag: ExportFormat | 'auto'): ExportFormat {
  try {
    return transferFormat(file, flag);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function summary(verb: string, result: TransferSummary, where: string): string {
  const warnings = result.warnings.map((w) => `historian: warning: ${w}\n`).join('');
  return `${warnings}historian: ${verb} ${count(result.entries, 'entry', 'entries')} ${where} (${result.format})\n`;
}

function withFileOptions(command: Command): Command {
  return command
    .option('--format <format>', `file format: ${FORMATS.join(', ')} (auto: from the extension)`, formatFlag, 'auto' as const)
    .option('--encoding <encoding>', 'text encoding of the file', encodingFlag, 'utf-8' as BufferEncoding);
}

/** Standard output as an export's destination: bytes written as the pipe takes them. */
function standardOutput(encoding: BufferEncoding): ExportOutput {
  return {
    name: 'standard output',
    async write(pieces) {
      for await (const piece of pieces) await writeOutBytes(Buffer.from(piece), encoding);
    },
  };
}

/** `historian export --to FILE|-`: copies the reading provider's history into a file or to standard output. */
export function exportCommand(): Command {
  return withFileOptions(
    new Command('export')
      .description('copy history from the reading provider into a JSON, YAML, TOML, INI, JSON Lines or Markdown file')
      .requiredOption('--to <file>', 'the file to write (replaced atomically); .md exports Markdown; - writes to standard output (JSON Lines unless --format)')
      .option('--agent <name>', "only this agent's entries: its conversations, commands and run-log facts")
      .option('--session <id>', "only this session's entries: its commands and run-log facts")
      .option('--provider <name>', 'read from this provider (name or type) instead of the default'),
  )
    .addHelpText('after', '\nExamples:\n  historian export --to backup.jsonl\n  historian export --to history.md --provider sql\n  historian export --to - --agent planner | jq .type')
    .action(async (_options, command: Command) => {
      const o = optionsOf<TransferFlags & { to: string; provider?: string; agent?: string; session?: string }>(command);
      const toStdout = o.to === '-';
      const format = toStdout && o.format === 'auto' ? 'jsonl' : formatOf(o.to, o.format);
      const bar = progress('export');
      const options = { format, encoding: o.encoding, onProgress: bar.update, entries: { agent: o.agent, session: o.session }, output: toStdout ? standardOutput(o.encoding) : undefined };
      const result = await withHistory(o, o.provider, async (history) => {
        const done = await exportHistory(history, toStdout ? 'standard output' : resolve(o.to), options).finally(bar.stop);
        return { done, from: history.provider };
      });
      writeErr(summary('exported', result.done, `from ${result.from} to ${toStdout ? 'standard output' : o.to}`));
    });
}

/** `historian import FILE`: logs a history file's entries through the manifest's providers. */
export function importCommand(): Command {
  return withFileOptions(
    new Command('import')
      .description("log a history file's entries (any file format) through the manifest's providers, keeping their ids")
      .argument('<file>', 'a JSON, YAML, TOML, INI or JSON Lines history file'),
  )
    .addHelpText('after', '\nExamples:\n  historian import backup.jsonl -c agents.yml\n\nImporting the same file again stores nothing new: entries keep their ids.')
    .action(async (file: string, _options, command: Command) => {
      const o = optionsOf<TransferFlags>(command);
      if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const format = formatOf(file, o.format);
      if (format === 'markdown') throw new UsageError('Markdown is an export-only format');
      const bar = progress('import');
      const result = await withHistorian(o, (historian) =>
        importEntries(historian, resolve(file), { format, encoding: o.encoding, onProgress: bar.update }).finally(bar.stop),
      );
      writeErr(summary('imported', result, `from ${file}`));
    });
}
