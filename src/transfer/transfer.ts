import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Historian } from '../dispatch/historian.js';
import type { Entry, EntryInput } from '../core/entries.js';
import { HistorianError } from '../core/errors.js';
import { writeAtomic } from '../fs/atomic.js';
import { DocumentError, GROUP_OF } from '../formats/codec.js';
import { loadCodec } from '../formats/codecs.js';
import { FILE_FORMATS, FORMAT_BY_EXTENSION, type FileFormat } from '../formats/formats.js';
import { decodeLine, encodeLine } from '../formats/jsonl.js';
import { loadFile, toEntry } from '../formats/load.js';
import { scanLines } from '../fs/line-scan.js';
import { checkEncodable, needsAsciiJson } from '../formats/text.js';
import type { History } from '../history/history.js';
import type { EntryQuery } from '../core/queries.js';
import { renderMarkdown } from '../formats/markdown.js';
import { byLogOrder } from '../store/store.js';
import { SpilledDocument } from './spill.js';

/** A format history can be exported to: any format of the file provider, or Markdown. */
export type ExportFormat = FileFormat | 'markdown';

/** Options of an export or import. */
export interface TransferOptions {
  /** The file's format; `auto` (default) picks it from the extension. */
  format?: ExportFormat | 'auto';
  /** Node encoding of the file; default utf-8. */
  encoding?: BufferEncoding;
  /** Called as entries are handled: `done` of `total`. */
  onProgress?: (done: number, total: number) => void;
  /** Export: which entries (an agent's, a session's, a time window); default every one. */
  entries?: EntryQuery;
  /**
   * Export: where the bytes go instead of replacing the file at `path` (standard output, a
   * socket), and its name for errors. A document then spills its parts to the temporary folder.
   */
  output?: ExportOutput;
}

/** A stream an export writes to, written a piece at a time with backpressure. */
export interface ExportOutput {
  name: string;
  write(pieces: AsyncIterable<Uint8Array> | readonly Uint8Array[]): Promise<void>;
}

/** Where an export writes: the output given, else the file at `path`, replaced atomically. */
function destination(path: string, output: ExportOutput | undefined): ExportOutput {
  return output ?? { name: path, write: (pieces) => writeAtomic(path, pieces) };
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

/** How many lines of a JSON Lines export are written at a time. */
const EXPORT_BATCH = 1000;

/** Encodes export text in the file's encoding, refusing characters it cannot hold. */
function encoderFor(path: string, encoding: BufferEncoding): (text: string) => Buffer {
  return (text) => {
    try {
      checkEncodable(text, encoding);
    } catch (error) {
      throw new HistorianError(`cannot export to ${path}: ${(error as Error).message}`);
    }
    return Buffer.from(text, encoding);
  };
}

/**
 * Writes every entry as JSON Lines while reading them: memory stays bounded by a batch,
 * whatever the size of the history. The total is not known ahead, so progress counts up.
 */
async function exportLines(history: History, out: ExportOutput, encoding: BufferEncoding, options: TransferOptions): Promise<TransferSummary> {
  const { onProgress } = options;
  const asciiOnly = needsAsciiJson(encoding);
  const toBytes = encoderFor(out.name, encoding);
  let count = 0;
  async function* pieces(): AsyncGenerator<Buffer> {
    let lines: string[] = [];
    const piece = () => {
      const text = lines.join('');
      lines = [];
      onProgress?.(count, count);
      return toBytes(text);
    };
    for await (const entry of history.entries(options.entries)) {
      lines.push(encodeLine(entry, asciiOnly));
      count += 1;
      if (lines.length >= EXPORT_BATCH) yield piece();
    }
    if (lines.length > 0) yield piece();
  }
  await out.write(pieces());
  return { entries: count, format: 'jsonl', warnings: [] };
}

/**
 * Writes every entry as a JSON, YAML, TOML or INI document. The document lists entries by
 * group, so none can be written before the last is read: each is encoded as it is read and
 * spilled to a file of its group beside the target, and the document is streamed from those.
 * Memory stays bounded; the disk holds the document twice until the export ends.
 */
async function exportDocument(history: History, path: string, out: ExportOutput, format: Exclude<FileFormat, 'jsonl'>, encoding: BufferEncoding, options: TransferOptions): Promise<TransferSummary> {
  const { onProgress } = options;
  const codec = await loadCodec(format, encoding);
  const spillBeside = options.output ? join(tmpdir(), 'historian-export') : path;
  const document = await SpilledDocument.create(spillBeside, codec, encoderFor(out.name, encoding));
  let count = 0;
  try {
    for await (const entry of history.entries(options.entries)) {
      const group = GROUP_OF[entry.type];
      await document.add(group, codec.encodeEntry(entry, group, document.counts[group]));
      if (++count % EXPORT_BATCH === 0) onProgress?.(count, count);
    }
    onProgress?.(count, count);
    await out.write(document.bytes());
  } finally {
    await document.close();
  }
  return { entries: count, format, warnings: [] };
}

/**
 * Markdown lists each conversation's entries under its heading, in order of first appearance,
 * so the export holds every entry until the last is read.
 */
async function exportMarkdown(history: History, out: ExportOutput, encoding: BufferEncoding, options: TransferOptions): Promise<TransferSummary> {
  const entries: Entry[] = [];
  for await (const entry of history.entries(options.entries)) entries.push(entry);
  options.onProgress?.(entries.length, entries.length);
  await out.write([encoderFor(out.name, encoding)(renderMarkdown(entries))]);
  return { entries: entries.length, format: 'markdown', warnings: [] };
}

/**
 * Writes every entry `history` holds (or those `options.entries` selects) to `path` (replacing
 * the file atomically), or to `options.output`, in any file format, or Markdown: one section per conversation, commands at the end. JSON Lines and
 * documents are written with bounded memory; Markdown is assembled whole.
 */
export async function exportHistory(history: History, path: string, options: TransferOptions = {}): Promise<TransferSummary> {
  const format = transferFormat(path, options.format);
  const encoding = options.encoding ?? 'utf-8';
  const out = destination(path, options.output);
  if (format === 'jsonl') return exportLines(history, out, encoding, options);
  if (format === 'markdown') return exportMarkdown(history, out, encoding, options);
  return exportDocument(history, path, out, format, encoding, options);
}

/** The error of an import that cannot read `path`, at the line and column where known. */
function unreadable(path: string, error: unknown): HistorianError {
  if (error instanceof HistorianError) return error;
  const at = error instanceof DocumentError && error.line !== undefined ? `${path}:${error.line}:${error.column ?? 1}` : path;
  const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
  return new HistorianError(`cannot import ${at}: ${reason}`, { cause: error });
}

/**
 * The entries of a JSON Lines file in file order, validated, read a chunk at a time. A torn
 * last line (a crash mid-append) is skipped and its number handed to `torn`.
 */
async function* jsonLinesOf(path: string, encoding: BufferEncoding, torn: (line: number) => void): AsyncGenerator<Entry> {
  const handle = await open(path, 'r');
  try {
    let number = 0;
    for await (const lines of scanLines(handle, 0, (await handle.stat()).size, encoding)) {
      for (const line of lines) {
        number += 1;
        if (line.text.trim() === '') continue;
        const raw = decodeLine(line.text, number, !line.whole);
        if (raw) yield toEntry(raw);
        else torn(number);
      }
    }
  } finally {
    await handle.close();
  }
}

/** A history file's entries with the count known once they are all read (a document), or not (JSON Lines). */
interface FileEntries {
  entries: AsyncIterable<Entry> | Iterable<Entry>;
  total?: number;
  warnings: string[];
}

/**
 * The entries of a history file (any format of the file provider). JSON Lines is read as a stream in
 * file order; a document is parsed whole, as its format requires, and given in logging order.
 */
async function fileEntries(path: string, options: TransferOptions): Promise<FileEntries> {
  const format = transferFormat(path, options.format);
  if (format === 'markdown') throw new HistorianError(`cannot import ${path}: Markdown is an export-only format`);
  const encoding = options.encoding ?? 'utf-8';
  const warnings: string[] = [];
  if (format === 'jsonl') {
    async function* checked(): AsyncGenerator<Entry> {
      try {
        yield* jsonLinesOf(path, encoding, (line) => warnings.push(`${path}:${line}: ignored a torn last line`));
      } catch (error) {
        throw unreadable(path, error);
      }
    }
    return { entries: checked(), warnings };
  }
  const loaded = await loadFile(path, await loadCodec(format, encoding), encoding).catch((error: unknown) => {
    throw unreadable(path, error);
  });
  if (!loaded.exists) throw new HistorianError(`cannot import ${path}: file not found`);
  return { entries: loaded.entries.sort(byLogOrder), total: loaded.entries.length, warnings };
}

/** Reads and validates the entries of a history file (any format of the file provider), in logging order. */
export async function readEntries(path: string, options: TransferOptions = {}): Promise<{ entries: Entry[]; warnings: string[] }> {
  const file = await fileEntries(path, options);
  const entries: Entry[] = [];
  for await (const entry of file.entries) entries.push(entry);
  return { entries: entries.sort(byLogOrder), warnings: file.warnings };
}

/** How many entries an import logs before it waits for every provider to store them: what it holds at most. */
const IMPORT_BATCH = 10_000;

/**
 * Logs every entry of a history file through `historian` (so through every provider of its
 * manifest), keeping ids and timestamps: importing the same file twice stores nothing new.
 * JSON Lines is streamed in file order, and the import waits for the providers every
 * `IMPORT_BATCH` entries, so memory stays bounded whatever the file's size; a bad line stops it
 * there (the entries before it are logged, and importing the file again once fixed adds only
 * the rest). A provider that keeps failing stops it at the next wait, with that provider's error.
 */
export async function importEntries(historian: Historian, path: string, options: TransferOptions = {}): Promise<TransferSummary> {
  const format = transferFormat(path, options.format);
  const file = await fileEntries(path, options);
  const progress = (done: number) => options.onProgress?.(done, file.total ?? done);
  let count = 0;
  progress(0);
  for await (const entry of file.entries) {
    // The logger stamps its own seq; id and timestamp are kept.
    const { seq: _seq, ...input } = entry;
    historian.log(input as EntryInput);
    count += 1;
    if (count % IMPORT_BATCH === 0) {
      await historian.flush();
      progress(count);
    }
  }
  await historian.flush();
  progress(count);
  return { entries: count, format, warnings: file.warnings };
}
