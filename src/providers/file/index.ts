import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentAttribution } from '../../dispatch/attribution.js';
import type { Entry } from '../../entries/schema.js';
import { ProviderError } from '../../errors.js';
import { EntryStore, byLogOrder } from '../../history/store.js';
import { storeReader } from '../../history/store-reader.js';
import { storeRunReader } from '../../runs/store-facts.js';
import type { LogRecord, ProviderContext, ProviderDefinition } from '../types.js';
import { DocumentError } from './codec.js';
import { removeStaleTemps } from './atomic.js';
import { codecFor } from './codecs.js';
import { resolveFormat, unknownExtensionMessage, type FileFormat } from './formats.js';
import { loadFile, type LoadedFile } from './load.js';
import { DocumentWriter, LinesWriter, type FileTarget, type FileWriter } from './writers.js';
import { serial } from '../serial.js';

async function load(path: string, format: FileFormat, encoding: BufferEncoding, label: string): Promise<LoadedFile> {
  try {
    return await loadFile(path, format === 'jsonl' ? null : codecFor(format, encoding), encoding);
  } catch (error) {
    if (!(error instanceof DocumentError)) throw new ProviderError(`cannot read ${path}: ${(error as Error).message}`, label, { cause: error });
    const where = error.line === undefined ? path : `${path}:${error.line}:${error.column ?? 1}`;
    throw new ProviderError(`cannot load ${where}: ${error.message} (the file was left untouched)`, label, { cause: error });
  }
}

/** Fills a store with loaded entries in logging order, attributing agents as the logger did. */
function storeOf(entries: Entry[]): EntryStore {
  const store = new EntryStore();
  const attribution = new AgentAttribution(Number.POSITIVE_INFINITY);
  for (const entry of entries.sort(byLogOrder)) store.add({ entry, agent: attribution.agentOf(entry), fresh: false });
  return store;
}

/** Stores a batch: encodes each new entry, adds it to the store, then saves the file once. */
async function writeBatch(batch: readonly LogRecord[], store: EntryStore, file: FileWriter, warn: (message: string) => void): Promise<void> {
  for (const record of batch) {
    let text: string;
    try {
      text = file.encode(record.entry);
    } catch (error) {
      warn(`entry ${record.entry.id} not written: ${(error as Error).message}`);
      continue;
    }
    const stored = store.add(record);
    // A run fact is stored as a copy numbered with its session's sequence: write that copy.
    if (stored) file.push(stored, stored === record.entry ? text : file.encode(stored));
  }
  await file.save();
}

/**
 * `type: file` — entries grouped by type in a JSON, YAML, TOML or INI document, or one per
 * line in JSON Lines (SPEC §3.3). Loaded at open, so history accumulates across restarts;
 * queries are answered from memory, as the memory provider does.
 */
export const fileProvider: ProviderDefinition<'file'> = {
  readable: true,
  async open({ label, config }, ctx: ProviderContext) {
    const { path, encoding } = config;
    const format = resolveFormat(path, config.format);
    if (format === undefined) throw new ProviderError(unknownExtensionMessage(path), label);
    await mkdir(dirname(path), { recursive: true });
    await removeStaleTemps(path);
    const loaded = await load(path, format, encoding, label);
    if (loaded.tornLine !== undefined) {
      const message = `${path}:${loaded.tornLine}: ignored a torn last line left by an interrupted write; the next write drops it`;
      ctx.warn(new ProviderError(message, label));
    }
    const store = storeOf(loaded.entries);
    const target: FileTarget = { path, encoding, entries: () => store.entries };
    const file: FileWriter =
      format === 'jsonl'
        ? new LinesWriter(target, loaded.tornLine !== undefined || !loaded.endsWithNewline, loaded.exists)
        : new DocumentWriter(target, codecFor(format, encoding));
    const queue = serial();
    const warn = (message: string) => ctx.warn(new ProviderError(message, label));
    const fail = (error: unknown): never => {
      throw new ProviderError(`cannot write ${path}: ${(error as Error).message}`, label, { cause: error });
    };
    return {
      label,
      type: 'file',
      // A write costs a whole rewrite (documents) or an fsync (JSON Lines) whatever its size,
      // so a backlog is best written at once.
      batchLimit: Number.POSITIVE_INFINITY,
      write: (batch) => queue(() => writeBatch(batch, store, file, warn).catch(fail)),
      close: () => queue(() => file.close()),
      reader: {
        ...storeReader(store),
        reset: (query) =>
          queue(async () => {
            const deleted = store.reset(query);
            await file.rewrite().catch(fail);
            return deleted;
          }),
      },
      runs: storeRunReader(store),
    };
  },
};
