import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ProviderError } from '../../core/errors.js';
import { EntryStore } from '../../store/store.js';
import { storeReader } from '../../store/reader.js';
import { storeRunReader } from '../../store/facts.js';
import type { OpenProvider, ProviderContext, ResolvedProvider } from '../../core/provider.js';
import type { FileConfig } from './config.js';
import { DocumentError } from '../../formats/codec.js';
import { removeStaleTemps } from '../../fs/atomic.js';
import { loadCodec } from '../../formats/codecs.js';
import { resolveFormat, unknownExtensionMessage, type FileFormat } from '../../formats/formats.js';
import { LinesWriter } from './lines-writer.js';
import { loadFile, type LoadedFile } from '../../formats/load.js';
import { recordsOf, SharedFile } from './shared-file.js';
import { DocumentWriter, type FileTarget, type FileWriter } from './writers.js';
import { serial } from '../../core/serial.js';

/**
 * Reads the whole file. Failures are transient: a file that does not parse now (being edited,
 * damaged) stops writes until it is fixed, and the entries wait in the queue meanwhile.
 */
async function load(path: string, format: FileFormat, encoding: BufferEncoding, label: string): Promise<LoadedFile> {
  try {
    return await loadFile(path, format === 'jsonl' ? null : await loadCodec(format, encoding), encoding);
  } catch (error) {
    if (!(error instanceof DocumentError)) {
      throw new ProviderError(`cannot read ${path}: ${(error as Error).message}`, label, { cause: error, transient: true });
    }
    const where = error.line === undefined ? path : `${path}:${error.line}:${error.column ?? 1}`;
    throw new ProviderError(`cannot load ${where}: ${error.message} (the file was left untouched)`, label, { cause: error, transient: true });
  }
}

/**
 * Opens a `type: file` provider: loads the file (history accumulates across restarts), answers
 * queries from memory as the memory provider does, and writes under the file's lock, so several
 * processes may share one file (see `SharedFile`).
 */
export async function openFile({ label, config }: ResolvedProvider<FileConfig>, ctx: ProviderContext): Promise<OpenProvider> {
  const { path, encoding } = config;
  const format = resolveFormat(path, config.format);
  if (format === undefined) throw new ProviderError(unknownExtensionMessage(path), label);
  await mkdir(dirname(path), { recursive: true });
  await removeStaleTemps(path);
  const read = () => load(path, format, encoding, label);
  const loaded = await read();
  if (loaded.tornLine !== undefined) {
    const message = `${path}:${loaded.tornLine}: ignored a torn last line left by an interrupted write; the next write drops it`;
    ctx.warn(new ProviderError(message, label));
  }
  const store = new EntryStore();
  store.replaceAll(recordsOf(loaded.entries));
  const target: FileTarget = { path, encoding, entries: () => store.entries };
  const writer: FileWriter = format === 'jsonl' ? new LinesWriter(target) : new DocumentWriter(target, await loadCodec(format, encoding));
  const file = new SharedFile({ path, label, store, writer, identity: loaded.identity, read });
  await file.clearStaleLock();
  const queue = serial();
  const fail = (error: unknown): never => {
    if (error instanceof ProviderError) throw error;
    throw new ProviderError(`cannot write ${path}: ${(error as Error).message}`, label, { cause: error });
  };
  return {
    // A write costs a whole rewrite (documents) or an fsync (JSON Lines) whatever its size,
    // so a backlog is best written at once.
    batchLimit: Number.POSITIVE_INFINITY,
    deadLetterPath: `${path}.rejected.jsonl`,
    write: (batch) => queue(() => file.write(batch).catch(fail)),
    close: () => queue(() => file.close()),
    reader: {
      ...storeReader(store),
      reset: (query) => queue(() => file.reset(query).catch(fail)),
    },
    runs: storeRunReader(store),
  };
}
