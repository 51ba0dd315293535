import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { yamlLibrary } from '../formats/yaml-library.js';
import { loadManifest, resolveStorage, type Manifest } from '../config/load.js';
import type { History } from '../history/history.js';
import { selectReader } from '../history/select.js';
import { createHistorian, type Historian } from '../dispatch/historian.js';
import { formatManifestIssue, type ProviderError } from '../core/errors.js';
import type { Page } from '../core/run-queries.js';
import { UsageError } from './failure.js';

export { UsageError };
import { diagnostic, writeOut } from './output.js';
import { taskProgress } from './progress.js';


/** Options every command accepts (`-c/--config` before or after the command name). */
export interface GlobalOptions {
  config?: string;
}

/** The options of a command merged with the program's. */
export function optionsOf<T>(command: Command): T & GlobalOptions {
  return command.optsWithGlobals<T & GlobalOptions>();
}

/**
 * The manifest a command runs on: `-c` if given, else `$HISTORIAN_CONFIG`, else `./agents.yml`
 * when it exists, else the defaults (SQLite under XDG_DATA_HOME). Its warnings are the caller's.
 */
export function loadManifestFor(options: GlobalOptions): Manifest {
  const path = options.config ?? process.env.HISTORIAN_CONFIG;
  if (path) return loadManifest(path);
  return existsSync('agents.yml') ? loadManifest('agents.yml') : resolveStorage(undefined, { file: '<defaults>' });
}

/** The manifest a command runs on (see loadManifestFor), its warnings printed on standard error. */
export function manifestFor(options: GlobalOptions): Manifest {
  const manifest = loadManifestFor(options);
  for (const warning of manifest.warnings) diagnostic(`warning: ${formatManifestIssue(warning)}`);
  return manifest;
}

/** Prints a provider's error as a warning; the command goes on. */
export function warn(error: ProviderError): void {
  diagnostic(`warning: ${error.message}`);
}

/** Opens a logger for a command, runs `work`, and always closes it. */
export async function withHistorian<T>(options: GlobalOptions, work: (historian: Historian) => Promise<T>): Promise<T> {
  const manifest = manifestFor(options);
  const historian = await createHistorian(manifest, { onError: warn, onProgress: taskProgress() });
  try {
    return await work(historian);
  } finally {
    await historian.close();
  }
}

/**
 * Opens only the provider history is read from (`preferred`, else
 * `default_provider`, else the first readable one), runs `work` on its history, and closes it.
 * Reading never opens the other providers, so it never touches their files or tables.
 */
export async function withHistory<T>(options: GlobalOptions, preferred: string | undefined, work: (history: History) => Promise<T>): Promise<T> {
  const { manifest, provider } = readingFrom(options, preferred);
  return withProvider(manifest, provider, work);
}

/**
 * The manifest and the provider a reading command reads (see readerOf), its warnings and the
 * memory note printed once: a command that opens the provider again and again resolves it once.
 */
export function readingFrom(options: GlobalOptions, preferred: string | undefined): { manifest: Manifest; provider: Manifest['providers'][number] } {
  const manifest = manifestFor(options);
  const provider = readerOf(manifest, preferred);
  if (provider.config.type === 'memory') diagnostic(MEMORY_NOTE(provider.label));
  return { manifest, provider };
}

/**
 * What a reading command says when it reads a memory provider: history logged by another
 * process is not there, so an empty answer is no sign that nothing was logged.
 */
const MEMORY_NOTE = (label: string) =>
  `note: provider "${label}" is of type memory: its history lives only in the process that logged it, and this command starts empty; ` +
  'read a sql or file provider (--provider NAME), or query memory from your program (historian.history())';

/** The provider a reading command reads: `preferred`, else `default_provider`, else the first readable one. */
export function readerOf(manifest: Manifest, preferred: string | undefined): Manifest['providers'][number] {
  const items = manifest.providers.map((p) => ({ label: p.label, type: p.config.type, readable: p.definition.readable, provider: p }));
  return selectReader(items, manifest, preferred).provider;
}

/** Opens one provider of the manifest alone (its errors warned, its index builds shown): its history, and how to close it. */
export async function openProvider(manifest: Manifest, provider: Manifest['providers'][number]): Promise<{ history: History; close(): Promise<void> }> {
  const historian = await createHistorian({ ...manifest, providers: [provider] }, { onError: warn, onProgress: taskProgress() });
  return { history: historian.history(provider.label), close: () => historian.close() };
}

/** Opens one provider of the manifest alone, runs `work` on its history, and closes it. */
export async function withProvider<T>(manifest: Manifest, provider: Manifest['providers'][number], work: (history: History) => Promise<T>): Promise<T> {
  const opened = await openProvider(manifest, provider);
  try {
    return await work(opened.history);
  } finally {
    await opened.close();
  }
}

/** Output formats of the reading commands. */
export type Format = 'text' | 'json' | 'yaml';

/** The options of every reading command. */
export interface ReadOptions {
  provider?: string;
  format: Format;
}

/** Adds `--provider` and `--format` to a reading command. */
export function readingOptions(command: Command): Command {
  return command
    .option('--provider <name>', 'read from this provider (name or type) instead of the default')
    .option('--format <format>', 'text, json or yaml', formatOption, 'text' as Format);
}

/** Parses `--format`, rejecting anything else as bad usage. */
export function formatOption(value: string): Format {
  if (value === 'text' || value === 'json' || value === 'yaml') return value;
  throw new UsageError(`invalid --format "${value}": expected text, json or yaml`);
}

/** Parses a whole-number option such as `--limit`. */
export function countOption(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new UsageError(`expected a whole number ≥ 0, got "${value}"`);
  return parsed;
}

/** How much JSON is gathered before a write. */
const JSON_CHUNK = 1 << 16;

/**
 * The text of `JSON.stringify(value, null, 2)`, an array's elements one at a time: the same
 * bytes, without ever holding the text of a long list as one string.
 */
export function* jsonPieces(value: unknown): Generator<string> {
  if (!Array.isArray(value) || value.length === 0) {
    yield JSON.stringify(value, null, 2);
    return;
  }
  for (let i = 0; i < value.length; i++) {
    // Inside the array each line of an element is indented once more; newlines within strings are escaped.
    const element = (JSON.stringify(value[i], null, 2) ?? 'null').replace(/\n/g, '\n  ');
    yield `${i === 0 ? '[\n  ' : ',\n  '}${element}`;
  }
  yield '\n]';
}

/** Writes `value` as indented JSON, a chunk at a time. */
function printJson(value: unknown): void {
  let chunk = '';
  for (const piece of jsonPieces(value)) {
    chunk += piece;
    if (chunk.length >= JSON_CHUNK) {
      writeOut(chunk, 'json');
      chunk = '';
    }
  }
  writeOut(`${chunk}\n`, 'json');
}

/** Prints `value` as JSON or YAML, or as the text `render` makes of it. */
export function print<T>(format: Format, value: T, render: (value: T) => string): void {
  if (format === 'json') printJson(value);
  else if (format === 'yaml') writeOut(yamlLibrary().stringify(value, { lineWidth: 0 }));
  else {
    const text = render(value);
    writeOut(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }
}

/** The `--page` option of a list command. */
export function pageOption(command: Command): Command {
  return command.option('--page', 'json / yaml: print {items, total, has_more}; text: end with how many there are in all');
}

/**
 * Prints one page of a list. With `--page`, JSON and YAML give the envelope and text ends with a
 * line saying which items these are of how many (and the `--offset` of the next page).
 */
export function printPage<T>(o: { format: Format; page?: boolean; offset?: number }, page: Page<T>, render: (items: T[]) => string): void {
  if (!o.page) return print(o.format, page.items, render);
  print(o.format, page, () => {
    const text = render(page.items);
    const from = (o.offset ?? 0) + 1;
    const to = (o.offset ?? 0) + page.items.length;
    const shown = page.items.length === 0 ? `none of ${page.total}` : `${from}–${to} of ${page.total}`;
    const next = page.has_more ? `; next page: --offset ${to}` : '';
    return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}(${shown}${next})`;
  });
}
