import { open } from 'node:fs/promises';
import { isRunFact, messageKey, sequenceTaken, type Entry } from '../../core/entries.js';
import { numberedAfter, numberFact } from '../../store/store.js';
import type { LogRecord, Rejection } from '../../core/provider.js';
import type { ResetQuery, ResetResult } from '../../core/queries.js';
import { serial } from '../../core/serial.js';
import { DocumentError } from '../../formats/codec.js';
import { encodeLine } from '../../formats/jsonl.js';
import { ProviderError } from '../../core/errors.js';
import { checkEncodable, needsAsciiJson } from '../../formats/text.js';
import { AppendFile } from '../../fs/append.js';
import { writeAtomic } from '../../fs/atomic.js';
import { scanLines, type ScannedLine } from '../../fs/line-scan.js';
import { FileLock } from '../../fs/lock.js';
import { endOnWholeLine, lastWholeLine, parses } from '../../fs/whole-lines.js';
import { LineIndex, sequenceKey, type StoredKeys } from './line-index.js';
import { linesReader, LinesFileView } from './lines-reader.js';
import { toolCallCompletions } from './tool-calls.js';

/** An entry of a batch to append, as it will be stored (a run fact numbered in its session). */
interface Pending {
  record: LogRecord;
  value: Entry;
}

/** An entry ready to append: its line, and the entry as stored (a run fact numbered). */
interface Line {
  text: string;
  value: Entry;
}

/**
 * A JSON Lines history: appended under the file's lock by any number of processes, and read
 * by streaming through a `LineIndex` rather than held in memory. Each save reopens the file if
 * another process replaced it (a reset), cuts a torn last line a crash left, and appends whole
 * lines or nothing with one fdatasync (see `AppendFile`). A record that may already be stored
 * (a retry, an import, a message logged again) is checked against the ids and message ids in
 * the file; a run fact without a `sequence` continues its session's numbering as the file holds
 * it, and one with a sequence the session holds is refused. Every entry is numbered after the
 * file's highest `seq`, so ties in time read back in the order the lines were appended.
 */
export class LinesFile {
  readonly index: LineIndex;
  private readonly file: AppendFile;
  private readonly lock: FileLock;
  private readonly asciiOnly: boolean;
  /** Index work (reading the file, noting our appends) runs one at a time. */
  private readonly indexQueue = serial();
  /** Whether writes keep the index up to date (decided at the first write). */
  private keepsIndex: boolean | undefined;
  /** The file as this process's last append left it, and the `seq` of its last line. */
  private known: { identity: string; size: number; seq: number } | null = null;

  constructor(
    readonly path: string,
    private readonly encoding: BufferEncoding,
    private readonly label: string,
  ) {
    this.index = new LineIndex(path, encoding);
    this.file = new AppendFile(path);
    this.lock = new FileLock(path, { label });
    this.asciiOnly = needsAsciiJson(encoding);
  }

  /**
   * The history queries and the run log, read from the file. A line that does not parse, or
   * is no valid entry, fails the queries that read it with a `ProviderError` naming
   * `file:line:column`; it does not stop appends, which never rewrite it.
   */
  readers() {
    const sync = () =>
      this.indexQueue(async () => {
        await this.index.sync();
        await this.index.save();
      });
    const views = {
      with: <T>(work: (view: LinesFileView | null) => Promise<T>) => LinesFileView.with(this.index, sync, this.encoding, work).catch(this.unreadable),
      open: () => LinesFileView.open(this.index, sync, this.encoding).catch(this.unreadable),
    };
    return linesReader(this.index, views, (query) => this.reset(query).catch(this.unreadable), this.unreadable);
  }

  private readonly unreadable = (error: unknown): never => {
    if (!(error instanceof DocumentError)) throw error;
    const where = error.line === undefined ? this.path : `${this.path}:${error.line}:${error.column ?? 1}`;
    throw new ProviderError(`cannot read ${where}: ${error.message}`, this.label, { cause: error, transient: true });
  };

  /**
   * Appends a batch; returns the entries the file can never hold (its encoding cannot write
   * them) and the run facts whose sequence it holds already.
   */
  write(batch: readonly LogRecord[]): Promise<Rejection[]> {
    return this.lock.run(async () => {
      await this.file.open();
      await endOnWholeLine(this.file, this.encoding);
      // Entries that cannot be stored already need no index: when none is kept yet, they are appended without reading the file.
      this.keepsIndex ??= await this.index.kept();
      const last = this.keepsIndex || !batch.every(unrepeatable) ? null : await this.tailSeq();
      if (last === null) {
        this.keepsIndex = true;
        return this.indexQueue(() => this.appendIndexed(batch));
      }
      const { lines, rejected } = this.encodeAll(batch.map((record) => ({ record, value: record.entry })), last);
      await this.append(lines);
      return rejected;
    });
  }
  /** Removes a lock left by a writer that died holding it. */
  clearStaleLock(): Promise<void> {
    return this.lock.clearStale();
  }

  /** Closes the file, and writes the index beside it if it learned anything since it was last written. */
  async close(): Promise<void> {
    await this.file.close();
    await this.indexQueue(() => this.index.save(true)).catch(() => undefined);
  }

  /** Catches up with the file, then appends and notes the new lines in the index (the file's lock is held). */
  private async appendIndexed(batch: readonly LogRecord[]): Promise<Rejection[]> {
    await this.index.sync();
    const { values, taken } = await this.newValues(batch);
    const { lines, rejected } = this.encodeAll(values, this.index.lastSeq);
    const before = this.file.size;
    const bytes = await this.append(lines);
    if (bytes && before === this.index.indexed) this.index.note(lines, bytes, this.file.identity);
    return taken.concat(rejected);
  }

  /**
   * The entries of a batch the file does not hold yet (by id, and a message by `message_id`),
   * each run fact numbered in its session; and the facts refused because their session holds
   * their sequence already. The index is synced, and the file's lock held.
   */
  private async newValues(batch: readonly LogRecord[]): Promise<{ values: Pending[]; taken: Rejection[] }> {
    const index = this.index;
    const seen: StoredKeys = { ids: new Set(), messages: new Set(), sequences: new Set() };
    const stored = async (kind: keyof StoredKeys, key: string) => seen[kind].has(key) || (await index.has(kind, key));
    const sequences = new Map(index.sequences);
    const values: Pending[] = [];
    const taken: Rejection[] = [];
    for (const record of batch) {
      const entry = record.entry;
      if (!record.fresh && (await stored('ids', entry.id))) continue;
      if (entry.type === 'message') {
        const key = messageKey(entry.conversation_id, entry.message_id ?? entry.id);
        // A generated id that is its own message_id repeats no stored message.
        if ((!record.fresh || entry.message_id !== entry.id) && (await stored('messages', key))) continue;
        seen.messages.add(key);
      }
      let value: Entry = entry;
      if (isRunFact(entry)) {
        const given = entry.sequence;
        // A sequence above the session's last is free: only a lower one is looked up.
        if (given !== undefined && given <= (sequences.get(entry.session_id) ?? 0) && (await stored('sequences', sequenceKey(entry.session_id, given)))) {
          taken.push({ record, error: sequenceTaken(entry) });
          continue;
        }
        const fact = numberFact(entry, sequences);
        seen.sequences.add(sequenceKey(fact.session_id, fact.sequence!));
        value = fact;
      }
      seen.ids.add(entry.id);
      values.push({ record, value });
    }
    return { values, taken };
  }

  /** Encodes each entry numbered after `last`, the file's highest `seq` (see `numberedAfter`). */
  private encodeAll(pending: readonly Pending[], last: number): { lines: Line[]; rejected: Rejection[] } {
    const lines: Line[] = [];
    const rejected: Rejection[] = [];
    for (const { record, value: entry } of pending) {
      const value = numberedAfter(entry, last);
      try {
        const text = encodeLine(value, this.asciiOnly);
        checkEncodable(text, this.encoding);
        lines.push({ text, value });
        last = value.seq;
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        rejected.push({ record, error: new Error(`cannot be written to ${this.path}: ${reason}`, { cause }) });
      }
    }
    return { lines, rejected };
  }

  /**
   * The highest `seq` of the file, read from its last line (every writer numbers after it), or
   * null when that line tells none (the index then finds it). Known without reading while the
   * file is as this process left it.
   */
  private async tailSeq(): Promise<number | null> {
    const known = this.known;
    if (known && known.identity === this.file.identity && known.size === this.file.size) return known.seq;
    const line = await lastWholeLine(this.file, this.encoding);
    if (line === null) return 0;
    const seq = parsedSeq(line);
    return typeof seq === 'number' ? seq : null;
  }

  /** Appends the lines in one durable write; returns the bytes written (null for none). */
  private async append(lines: readonly Line[]): Promise<Buffer | null> {
    if (lines.length === 0) return null;
    const bytes = Buffer.from(lines.map((line) => line.text).join(''), this.encoding);
    await this.file.append([bytes]);
    this.known = { identity: this.file.identity, size: this.file.size, seq: lines[lines.length - 1]!.value.seq };
    return bytes;
  }

  /**
   * Deletes history from the file as it stands now, under its lock: the kept lines are copied
   * into a new file that replaces it atomically, a chunk at a time.
   */
  private reset(query: ResetQuery): Promise<ResetResult> {
    return this.lock.run(() =>
      this.indexQueue(async () => {
        await this.index.sync();
        if (!this.index.synced) return nothingDeleted();
        const doomed = await this.doomed(query);
        await this.file.close();
        await writeAtomic(this.path, this.keptLines(doomed.rows));
        await this.index.sync();
        return doomed.result;
      }),
    );
  }

  /** The rows a reset deletes, and what it reports. */
  private async doomed(query: ResetQuery): Promise<{ rows: Uint8Array; result: ResetResult }> {
    const index = this.index;
    const rows = new Uint8Array(index.rows);
    const result = nothingDeleted();
    const counts = result as Record<string, number>;
    const toolCalls: number[] = [];
    for (const conversation of index.conversationList) {
      if (query.agent !== undefined && conversation.agent_name !== query.agent) continue;
      result.conversations += 1;
      for (const row of conversation.rows) {
        rows[row] = 1;
        const type = index.typeOf(row);
        if (type === 'message') counts.messages! += 1;
        else if (type === 'tool_call') toolCalls.push(row);
        else if (type === 'context') counts.context! += 1;
      }
    }
    result.tool_calls = await this.countToolCalls(toolCalls);
    const owned = await this.ownedRows(query.agent);
    for (const row of owned) {
      rows[row] = 1;
      if (index.typeOf(row) === 'command') result.commands += 1;
      else result.run_events += 1;
    }
    return { rows, result };
  }

  /** How many tool calls some rows hold: a line that completed an earlier call (its tool_call_id again) is not one. */
  private async countToolCalls(rows: number[]): Promise<number> {
    if (rows.length === 0) return 0;
    const view = await LinesFileView.open(this.index, async () => undefined, this.encoding);
    if (!view) return 0;
    try {
      const { merged } = await toolCallCompletions(view.batches(rows.sort((a, b) => a - b)));
      return rows.length - merged.size;
    } finally {
      await view.close();
    }
  }

  /** The command and run-log rows of an agent (all of them without one). */
  private async ownedRows(agent: string | undefined): Promise<number[]> {
    const candidates: number[] = [];
    for (let row = 0; row < this.index.rows; row++) {
      const type = this.index.typeOf(row);
      if (type !== undefined && type !== 'conversation_start' && this.index.conversationOf.values[row] === -1) candidates.push(row);
    }
    if (agent === undefined) return candidates;
    const view = await LinesFileView.open(this.index, async () => undefined, this.encoding);
    if (!view) return [];
    try {
      const entries = await view.load(candidates);
      return candidates.filter((_, i) => (entries[i] as { agent_name?: string }).agent_name === agent);
    } finally {
      await view.close();
    }
  }

  /** The file's lines but the doomed rows, read a chunk at a time (blank and torn lines are dropped). */
  private async *keptLines(doomed: Uint8Array): AsyncGenerator<Buffer> {
    const handle = await open(this.path, 'r');
    const offsets = this.index.offsets.values;
    try {
      const size = (await handle.stat()).size;
      let row = 0;
      for await (const chunk of scanLines(handle, 0, size, this.encoding)) {
        const kept: string[] = [];
        for (const line of chunk) {
          while (row < this.index.rows && offsets[row]! < line.offset) row++;
          if (row < this.index.rows && offsets[row] === line.offset && !doomed[row]) kept.push(`${line.text}\n`);
        }
        if (kept.length > 0) yield Buffer.from(kept.join(''), this.encoding);
      }
    } finally {
      await handle.close();
    }
  }
}

/**
 * Whether a record cannot be stored already, so needs no look at the file: a generated id, and
 * for a message its own id as `message_id`. Run facts are numbered from the file.
 */
function unrepeatable(record: LogRecord): boolean {
  const entry = record.entry;
  if (!record.fresh || isRunFact(entry)) return false;
  return entry.type !== 'message' || entry.message_id === undefined || entry.message_id === entry.id;
}

/** The `seq` of a line, if it is JSON holding one. */
function parsedSeq(line: string): unknown {
  try {
    return (JSON.parse(line) as { seq?: unknown } | null)?.seq;
  } catch {
    return undefined;
  }
}

/** A reset's counts before anything is deleted. */
function nothingDeleted(): ResetResult {
  return { conversations: 0, messages: 0, tool_calls: 0, commands: 0, context: 0, run_events: 0 };
}

/**
 * The number of the last line when a crash tore it: it lacks its newline and does not parse.
 * Reads the end of the file, and counts lines only when there is such a line.
 */
export async function tornLastLine(path: string, encoding: BufferEncoding): Promise<number | undefined> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return undefined;
  try {
    const size = (await handle.stat()).size;
    let last: ScannedLine | undefined;
    let lines = 0;
    let from = Math.max(0, size - 64 * 1024);
    for await (const chunk of scanLines(handle, from, size, encoding)) for (const line of chunk) last = line;
    // A last line longer than the window: read it whole.
    if (last && last.offset === from && from > 0) {
      from = 0;
      for await (const chunk of scanLines(handle, from, size, encoding)) last = chunk[chunk.length - 1] ?? last;
    }
    if (!last || last.whole || last.text.trim() === '' || parses(last.text)) return undefined;
    for await (const chunk of scanLines(handle, 0, size, encoding)) lines += chunk.length;
    return lines;
  } finally {
    await handle.close();
  }
}

