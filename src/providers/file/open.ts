import { dirname } from 'node:path';
import { ProviderError } from '../../core/errors.js';
import { EntryStore } from '../../store/store.js';
import { storeReader } from '../../store/reader.js';
import { storeRunReader } from '../../store/facts.js';
import type { OpenProvider, ProviderContext, ResolvedProvider } from '../../core/provider.js';
import type { FileConfig } from './config.js';
import { DocumentError, type Codec } from '../../formats/codec.js';
import { removeStaleTemps } from '../../fs/atomic.js';
import { makeFolder } from '../../fs/folder.js';
import { loadCodec } from '../../formats/codecs.js';
import { resolveFormat, unknownExtensionMessage, type FileFormat } from '../../formats/formats.js';
import { LinesFile, tornLastLine } from './lines-file.js';
import { loadFile, type LoadedFile } from '../../formats/load.js';
import { recordsOf, SharedFile } from './shared-file.js';
import { DocumentWriter, type FileTarget } from './writers.js';
import { serial } from '../../core/serial.js';

/**
 * Reads the whole file. Failures are transient: a file that does not parse now (being edited,
 * damaged) stops writes until it is fixed, and the entries wait in the queue meanwhile.
 */
async function load(path: string, codec: Codec, encoding: BufferEncoding, label: string): Promise<LoadedFile> {
  try {
    return await loadFile(path, codec, encoding);
  } catch (error) {
    if (!(error instanceof DocumentError)) {
      throw new ProviderError(`cannot read ${path}: ${(error as Error).message}`, label, { cause: error, transient: true });
    }
    const where = error.line === undefined ? path : `${path}:${error.line}:${error.column ?? 1}`;
    throw new ProviderError(`cannot load ${where}: ${error.message} (the file was left untouched)`, label, { cause: error, transient: true });
  }
}

/**
 * Opens a JSON Lines history: nothing is read at open but the end of the file (to warn about a
 * line a crash tore); queries stream the file through an index, and writes append under its lock.
 */
async function openLines({ label, config }: ResolvedProvider<FileConfig>, ctx: ProviderContext): Promise<OpenProvider> {
  const { path, encoding } = config;
  const file = new LinesFile(path, encoding, label);
  await removeStaleTemps(file.index.file);
  const torn = await tornLastLine(path, encoding);
  if (torn !== undefined) ctx.warn(new ProviderError(`${path}:${torn}: ignored a torn last line left by an interrupted write; the next write drops it`, label));
  await file.clearStaleLock();
  const queue = serial();
  const { reader, runs } = file.readers();
  return {
    // A write costs an fsync whatever its size, so a backlog is best written at once.
    batchLimit: Number.POSITIVE_INFINITY,
    deadLetterPath: `${path}.rejected.jsonl`,
    write: (batch) => queue(() => file.write(batch).catch(failure(path, label))),
    close: () => queue(() => file.close()),
    reader: { ...reader, reset: (query) => queue(() => reader.reset(query).catch(failure(path, label))) },
    runs,
  };
}

function failure(path: string, label: string) {
  return (error: unknown): never => {
    if (error instanceof ProviderError) throw error;
    throw new ProviderError(`cannot write ${path}: ${(error as Error).message}`, label, { cause: error });
  };
}

/**
 * Opens a document (JSON, YAML, TOML, INI): loads the file (history accumulates across
 * restarts), answers queries from memory as the memory provider does, and writes under the
 * file's lock, so several processes may share one file (see `SharedFile`).
 */
async function openDocument({ label, config }: ResolvedProvider<FileConfig>, format: Exclude<FileFormat, 'jsonl'>): Promise<OpenProvider> {
  const { path, encoding } = config;
  const codec = await loadCodec(format, encoding);
  const read = () => load(path, codec, encoding, label);
  const loaded = await read();
  const store = new EntryStore();
  store.replaceAll(recordsOf(loaded.entries));
  const target: FileTarget = { path, encoding, entries: () => store.entries };
  const file = new SharedFile({ path, label, store, writer: new DocumentWriter(target, codec), identity: loaded.identity, read });
  await file.clearStaleLock();
  const queue = serial();
  return {
    // A write rewrites the whole document whatever its size, so a backlog is best written at once.
    batchLimit: Number.POSITIVE_INFINITY,
    deadLetterPath: `${path}.rejected.jsonl`,
    write: (batch) => queue(() => file.write(batch).catch(failure(path, label))),
    close: () => queue(() => file.close()),
    reader: {
      ...storeReader(store),
      reset: (query) => queue(() => file.reset(query).catch(failure(path, label))),
    },
    runs: storeRunReader(store),
  };
}

/** Opens a `type: file` provider: a JSON Lines history, or a document. */
export async function openFile(provider: ResolvedProvider<FileConfig>, ctx: ProviderContext): Promise<OpenProvider> {
  const { path } = provider.config;
  const format = resolveFormat(path, provider.config.format);
  if (format === undefined) throw new ProviderError(unknownExtensionMessage(path), provider.label);
  await makeFolder(dirname(path));
  await removeStaleTemps(path);
  return format === 'jsonl' ? openLines(provider, ctx) : openDocument(provider, format);
}
