import { AgentAttribution } from '../../core/attribution.js';
import type { Entry } from '../../core/entries.js';
import { byLogOrder, COMPLETED, type EntryStore } from '../../store/store.js';
import type { ResetQuery, ResetResult } from '../../core/queries.js';
import type { LogRecord, Rejection } from '../../core/provider.js';
import { identityOf, sameIdentity, type FileIdentity, type LoadedFile } from '../../formats/load.js';
import { FileLock } from '../../fs/lock.js';
import { EntryError } from '../../core/errors.js';
import type { FileWriter } from './writers.js';

/** What a `SharedFile` works on. */
export interface SharedFileOptions {
  path: string;
  /** The provider's label, for errors. */
  label: string;
  /** The in-memory store the provider's reader answers from. */
  store: EntryStore;
  writer: FileWriter;
  /** The version of the file the store was loaded from (null: there was no file). */
  identity: FileIdentity | null;
  /** Reads the whole file again. */
  read(): Promise<LoadedFile>;
}

/**
 * Records of entries in the order given, attributed to agents as the logger would have (a
 * conversation's entries take the agent of its start). Not fresh: the store checks ids, so an
 * entry met twice is stored once.
 */
export function recordsInOrder(entries: readonly Entry[]): LogRecord[] {
  const attribution = new AgentAttribution(Number.POSITIVE_INFINITY);
  return entries.map((entry) => ({ entry, agent: attribution.agentOf(entry), fresh: false }));
}

/**
 * Records of stored entries in logging order (see `recordsInOrder`): this drops an entry read
 * back from the file that is also among the unsaved ones.
 */
export function recordsOf(entries: Entry[]): LogRecord[] {
  return recordsInOrder(entries.sort(byLogOrder));
}

/**
 * A history file that several processes may write, each keeping its own store of it. Every
 * write and reset holds the file's lock. A document is rewritten whole, so when the file has
 * changed since this process last read or wrote it, it is read again first and the store
 * becomes the file's entries plus this process's entries not yet saved; never everything this
 * process ever saw, which would bring back what another process reset. JSON Lines only
 * appends, so only a reset (which rewrites it) reads it again.
 */
export class SharedFile {
  /** Entries added to the store whose save has not succeeded yet. */
  private unsaved: Entry[] = [];
  /** The version of the file the store matches, as of our last read or save. */
  private known: FileIdentity | null;
  private readonly lock: FileLock;

  constructor(private readonly options: SharedFileOptions) {
    this.known = options.identity;
    this.lock = new FileLock(options.path, { label: options.label });
  }

  /** Stores a batch and saves the file once; returns the entries the file can never hold. */
  write(batch: readonly LogRecord[]): Promise<Rejection[]> {
    return this.lock.run(async () => {
      // Read back first, so run facts continue the numbering the file holds.
      if (this.options.writer.rewritesWhole) await this.readBack(false);
      const rejected = this.add(batch);
      await this.save();
      return rejected;
    });
  }

  /** Deletes history from the file as it stands (not as this process last saw it), and rewrites it. */
  reset(query: ResetQuery): Promise<ResetResult> {
    return this.lock.run(async () => {
      // Other processes append to JSON Lines without changing anything we could cheaply compare.
      await this.readBack(!this.options.writer.rewritesWhole);
      const deleted = this.options.store.reset(query);
      await this.options.writer.rewrite();
      this.unsaved = [];
      this.known = await identityOf(this.options.path);
      return deleted;
    });
  }

  /** Removes a lock left by a writer that died holding it. */
  clearStaleLock(): Promise<void> {
    return this.lock.clearStale();
  }

  close(): Promise<void> {
    return this.options.writer.close();
  }

  /** Replaces the store with the file's entries plus the unsaved ones, if the file changed (or `always`). */
  private async readBack(always: boolean): Promise<void> {
    if (!always && sameIdentity(await identityOf(this.options.path), this.known)) return;
    const loaded = await this.options.read();
    this.options.store.replaceAll(recordsOf([...loaded.entries, ...this.unsaved]));
    this.options.writer.forget();
    this.known = loaded.identity;
  }

  /** Encodes and stores each new entry; an entry the file cannot encode or whose sequence is taken is rejected, not retried. */
  private add(batch: readonly LogRecord[]): Rejection[] {
    const { store, writer } = this.options;
    const rejected: Rejection[] = [];
    for (const record of batch) {
      let text: string;
      try {
        text = writer.encode(record.entry);
      } catch (cause) {
        rejected.push({ record, error: this.unencodable(cause) });
        continue;
      }
      let stored: Entry | typeof COMPLETED | undefined;
      try {
        stored = store.add(record);
      } catch (error) {
        // A run fact whose sequence the file holds already.
        if (!(error instanceof EntryError)) throw error;
        rejected.push({ record, error });
        continue;
      }
      if (!stored) continue;
      if (stored === COMPLETED) {
        // A tool call completed in place: the document is encoded again from the store (the next
        // `encode` or the save does it, before any later entry is added). Kept as unsaved, so a
        // read-back after a failed save completes the call again.
        writer.forget();
        this.unsaved.push(record.entry);
        continue;
      }
      // An entry numbered after the stored ones, or a run fact numbered in its session, is a copy: write that copy.
      writer.push(stored, stored === record.entry ? text : writer.encode(stored));
      this.unsaved.push(stored);
    }
    return rejected;
  }

  private async save(): Promise<void> {
    await this.options.writer.save();
    this.unsaved = [];
    if (this.options.writer.rewritesWhole) this.known = await identityOf(this.options.path);
  }

  private unencodable(cause: unknown): Error {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new Error(`cannot be written to ${this.options.path}: ${reason}`, { cause });
  }
}
