import { extname } from 'node:path';
import type { Historian } from '../dispatch/historian.js';
import type { Entry, EntryInput } from '../core/entries.js';
import { HistorianError } from '../core/errors.js';
import { writeAtomic } from '../fs/atomic.js';
import { DocumentError, documentText, GROUP_NAMES, GROUP_OF, type GroupName } from '../formats/codec.js';
import { loadCodec } from '../formats/codecs.js';
import { FILE_FORMATS, FORMAT_BY_EXTENSION, type FileFormat } from '../formats/formats.js';
import { encodeLine } from '../formats/jsonl.js';
import { loadFile } from '../formats/load.js';
import { checkEncodable, needsAsciiJson } from '../formats/text.js';
import type { History } from '../history/history.js';
import { renderMarkdown } from '../formats/markdown.js';
import { byLogOrder } from '../store/store.js';

/** A format history can be exported to: any file format of SPEC §3.3, or Markdown. */
export type ExportFormat = FileFormat | 'markdown';

/** Options of an export or import. */
export interface TransferOptions {
  /** The file's format; `auto` (default) picks it from the extension. */
  format?: ExportFormat | 'auto';
  /** Node encoding of the file; default utf-8. */
  encoding?: BufferEncoding;
  /** Called as entries are handled: `done` of `total`. */
  onProgress?: (done: number, total: number) => void;
}

/** What an export or import did. */
export interface TransferSummary {
  entries: number;
  format: ExportFormat;
  /** Import: entries that came back as warnings (a torn last line). */
  warnings: string[];
}

/** The format of a transfer file: the one given, else the one its extension names. */
export function transferFormat(path: string, format: ExportFormat | 'auto' = 'auto'): ExportFormat {
  if (format !== 'auto') return format;
  const ext = extname(path).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  const found = FORMAT_BY_EXTENSION[ext];
  if (found) return found;
  const known = [...Object.keys(FORMAT_BY_EXTENSION), '.md'].join(', ');
  throw new HistorianError(`cannot pick a format for ${path}: expected an extension among ${known}, or pass a format (${[...FILE_FORMATS, 'markdown'].join(', ')})`);
}

/** The text of a file holding `entries` (in logging order) in `format`. */
export async function encodeEntries(entries: readonly Entry[], format: ExportFormat, encoding: BufferEncoding = 'utf-8', progress?: (done: number) => void): Promise<string> {
  if (format === 'markdown') return renderMarkdown(entries);
  if (format === 'jsonl') return entries.map((entry, i) => (progress?.(i + 1), encodeLine(entry, needsAsciiJson(encoding)))).join('');
  const codec = await loadCodec(format, encoding);
  const parts = Object.fromEntries(GROUP_NAMES.map((group) => [group, [] as string[]])) as Record<GroupName, string[]>;
  entries.forEach((entry, i) => {
    const group = GROUP_OF[entry.type];
    parts[group].push(codec.encodeEntry(entry, group, parts[group].length));
    progress?.(i + 1);
  });
  return documentText(codec, parts);
}

/** How many lines of a JSON Lines export are written at a time. */
const EXPORT_BATCH = 1000;

/**
 * Writes every entry as JSON Lines while reading them: memory stays bounded by a batch,
 * whatever the size of the history. The total is not known ahead, so progress counts up.
 */
async function exportLines(history: History, path: string, encoding: BufferEncoding, onProgress?: TransferOptions['onProgress']): Promise<TransferSummary> {
  const asciiOnly = needsAsciiJson(encoding);
  let count = 0;
  async function* pieces(): AsyncGenerator<Buffer> {
    let lines: string[] = [];
    const piece = () => {
      const text = lines.join('');
      lines = [];
      try {
        checkEncodable(text, encoding);
      } catch (error) {
        throw new HistorianError(`cannot export to ${path}: ${(error as Error).message}`);
      }
      onProgress?.(count, count);
      return Buffer.from(text, encoding);
    };
    for await (const entry of history.entries()) {
      lines.push(encodeLine(entry, asciiOnly));
      count += 1;
      if (lines.length >= EXPORT_BATCH) yield piece();
    }
    if (lines.length > 0) yield piece();
  }
  await writeAtomic(path, pieces());
  return { entries: count, format: 'jsonl', warnings: [] };
}

/**
 * Writes every entry `history` holds to `path` (replacing the file atomically) in any file
 * format, or Markdown: one section per conversation, commands at the end. JSON Lines is
 * streamed; a document or Markdown is assembled whole, as its format requires.
 */
export async function exportHistory(history: History, path: string, options: TransferOptions = {}): Promise<TransferSummary> {
  const format = transferFormat(path, options.format);
  const encoding = options.encoding ?? 'utf-8';
  if (format === 'jsonl') return exportLines(history, path, encoding, options.onProgress);
  const entries: Entry[] = [];
  for await (const entry of history.entries()) entries.push(entry);
  options.onProgress?.(0, entries.length);
  const text = await encodeEntries(entries, format, encoding, (done) => options.onProgress?.(done, entries.length));
  try {
    checkEncodable(text, encoding);
  } catch (error) {
    throw new HistorianError(`cannot export to ${path}: ${(error as Error).message}`);
  }
  await writeAtomic(path, [Buffer.from(text, encoding)]);
  return { entries: entries.length, format, warnings: [] };
}

/** Reads and validates the entries of a history file (any format of SPEC §3.3), in logging order. */
export async function readEntries(path: string, options: TransferOptions = {}): Promise<{ entries: Entry[]; warnings: string[] }> {
  const format = transferFormat(path, options.format);
  if (format === 'markdown') throw new HistorianError(`cannot import ${path}: Markdown is an export-only format`);
  const encoding = options.encoding ?? 'utf-8';
  let loaded;
  try {
    loaded = await loadFile(path, format === 'jsonl' ? null : await loadCodec(format, encoding), encoding);
  } catch (error) {
    const at = error instanceof DocumentError && error.line !== undefined ? `${path}:${error.line}:${error.column ?? 1}` : path;
    throw new HistorianError(`cannot import ${at}: ${(error as Error).message}`, { cause: error });
  }
  if (!loaded.exists) throw new HistorianError(`cannot import ${path}: file not found`);
  const warnings = loaded.tornLine === undefined ? [] : [`${path}:${loaded.tornLine}: ignored a torn last line`];
  return { entries: loaded.entries.sort(byLogOrder), warnings };
}

/**
 * Logs every entry of a history file through `historian` (so through every provider of its
 * manifest), keeping ids and timestamps: importing the same file twice stores nothing new.
 */
export async function importEntries(historian: Historian, path: string, options: TransferOptions = {}): Promise<TransferSummary> {
  const format = transferFormat(path, options.format);
  const { entries, warnings } = await readEntries(path, options);
  options.onProgress?.(0, entries.length);
  entries.forEach((entry, i) => {
    // The logger stamps its own seq; id and timestamp are kept.
    const { seq: _seq, ...input } = entry;
    historian.log(input as EntryInput);
    options.onProgress?.(i + 1, entries.length);
  });
  await historian.flush();
  return { entries: entries.length, format, warnings };
}
