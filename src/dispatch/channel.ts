import type { AgentSet } from '../core/filters.js';
import type { Entry, EntryType } from '../core/entries.js';
import { ProviderError, RejectedEntryError } from '../core/errors.js';
import type { LogRecord, Provider, Rejection } from '../core/provider.js';
import { writeDeadLetters } from '../fs/dead-letter.js';
import { failureKind } from './failures.js';
import { count } from '../core/count.js';

/** Batching and retry settings of a channel. */
export interface ChannelOptions {
  batchSize: number;
  /** First retry delay after a failed write, in ms; doubles per failure up to `maxRetryDelay`. */
  retryDelay: number;
  maxRetryDelay: number;
  report(error: ProviderError): void;
}

/**
 * Entries waiting for one provider. Kept as parallel arrays rather than record objects, so a
 * burst of logging retains nothing but the entries; records are made per batch at write time.
 */
class Queue {
  entries: Entry[] = [];
  agents: (string | null)[] = [];
  fresh: boolean[] = [];

  get length(): number {
    return this.entries.length;
  }

  push(entry: Entry, agent: string | null, fresh: boolean): number {
    this.agents.push(agent);
    this.fresh.push(fresh);
    return this.entries.push(entry);
  }

  /** Records `from` to `to` (exclusive), as providers receive them. */
  records(from: number, to: number): LogRecord[] {
    const batch: LogRecord[] = new Array(to - from);
    for (let i = from; i < to; i++) batch[i - from] = { entry: this.entries[i]!, agent: this.agents[i]!, fresh: this.fresh[i]! };
    return batch;
  }

  /**
   * A queue of this one's items from `from` on, followed by `rest`'s. The items put back are
   * no longer fresh: a failed write may have stored some of them, so the retry must check ids.
   */
  tail(from: number, rest: Queue): Queue {
    const queue = new Queue();
    queue.entries = this.entries.slice(from).concat(rest.entries);
    queue.agents = this.agents.slice(from).concat(rest.agents);
    queue.fresh = this.fresh.slice(from).fill(false).concat(rest.fresh);
    return queue;
  }

  /** This queue with `records` put back in front (no longer fresh, as in `tail`). */
  prepend(records: readonly LogRecord[]): Queue {
    const queue = new Queue();
    queue.entries = records.map((r) => r.entry).concat(this.entries);
    queue.agents = records.map((r) => r.agent).concat(this.agents);
    queue.fresh = records.map(() => false).concat(this.fresh);
    return queue;
  }
}

/** Consecutive failures of unknown cause after which a batch is split to find a bad entry. */
const SPLIT_AFTER_FAILURES = 2;

/**
 * The queue in front of one provider. Entries wait here until a drain writes them in batches;
 * a failed batch goes back to the front of the queue and is retried after a growing delay.
 */
export class Channel {
  private queue = new Queue();
  private writing: Promise<void> | null = null;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  /** The last write error, cleared by a successful write. */
  lastError: ProviderError | null = null;
  /** How many entries of each type the provider has stored. */
  readonly written: Partial<Record<EntryType, number>> = {};
  /** How many entries the provider refused and the logger set aside (dead-letter file). */
  rejected = 0;

  constructor(
    readonly provider: Provider,
    readonly types: ReadonlySet<EntryType>,
    readonly agents: AgentSet,
    private readonly options: ChannelOptions,
  ) {}

  /** Entries of the write in progress that are not stored yet: no longer queued, still pending. */
  private inFlight = 0;
  /**
   * Entries the provider refused for good, waiting for its dead-letter file. They are kept here,
   * not queued again: the provider has answered for them, only the file has still to take them.
   */
  private unfiled: Rejection[] = [];

  /** Entries queued, being written or waiting for the dead-letter file: what a shutdown that stops waiting would lose. */
  get pending(): number {
    return this.queue.length + this.inFlight + this.unfiled.length;
  }

  /** Queues an entry; returns the queue length so the caller can start a drain early. */
  push(entry: Entry, agent: string | null, fresh: boolean): number {
    return this.queue.push(entry, agent, fresh);
  }

  /** Writes everything queued. Resolves when done or when a write failed (a retry is then scheduled). */
  drain(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.idle || this.retryTimer) return Promise.resolve();
    this.writing = this.writeAll().finally(() => {
      this.writing = null;
      // Entries logged while this write ran would otherwise wait for the next log() or flush().
      if (this.queue.length > 0 && !this.retryTimer) void this.drain();
    });
    return this.writing;
  }

  /**
   * Drains until nothing is left, retrying failed writes now instead of on the timer.
   * Throws the provider's error after `attempts` consecutive failures; the entries stay queued.
   */
  async settle(attempts: number): Promise<void> {
    for (let failed = 0; ; ) {
      this.cancelRetry();
      await this.drain();
      if (this.idle && !this.writing) return;
      if (this.lastError === null) continue;
      if (++failed >= attempts) throw this.lastError;
      await new Promise((done) => setTimeout(done, this.delay()));
    }
  }

  /** Stops the retry timer (at close). */
  cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private get idle(): boolean {
    return this.queue.length === 0 && this.unfiled.length === 0;
  }

  /** Writes the queue batch by batch, then files what the provider refused; a failure schedules a retry. */
  private async writeAll(): Promise<void> {
    const queued = this.queue;
    this.queue = new Queue();
    const batchSize = this.provider.batchLimit ?? this.options.batchSize;
    let failure: unknown = null;
    try {
      for (let offset = 0; offset < queued.length; offset += batchSize) {
        const end = Math.min(queued.length, offset + batchSize);
        this.inFlight = queued.length - offset;
        const unwritten = await this.writeBatch(queued.records(offset, end));
        if (unwritten === null) continue;
        // What is left of this batch goes back to the front, ahead of the later batches.
        this.queue = queued.tail(end, this.queue).prepend(unwritten.records);
        failure = unwritten.cause;
        break;
      }
    } finally {
      this.inFlight = 0;
    }
    failure ??= await this.fileRejections();
    if (failure !== null) this.fail(failure, this.pending);
  }

  /**
   * Writes one batch. A batch that fails for a reason retrying cannot fix (the data: a
   * PostgreSQL data exception, a value too big; or an unexplained failure that persists) is
   * split in halves until the entries that fail alone are found; they join `unfiled`, and the
   * rest is stored. Returns null when done, or the records still to write after a transient
   * failure (connection, lock, full disk), in order. Never throws.
   */
  private async writeBatch(batch: LogRecord[]): Promise<{ records: LogRecord[]; cause: unknown } | null> {
    const segments = [batch];
    const suspects: Rejection[] = [];
    let storedAny = false;
    // An unexplained failure is first retried as it is; only one that persists is split.
    const splitUnknown = this.failures >= SPLIT_AFTER_FAILURES;
    while (segments.length > 0) {
      const segment = segments.shift()!;
      try {
        const refused = (await this.provider.write(segment)) ?? [];
        storedAny ||= refused.length < segment.length;
        this.stored(segment, refused);
        this.unfiled.push(...refused);
      } catch (error) {
        const kind = failureKind(error);
        if (kind === 'transient' || (kind === 'unknown' && !splitUnknown)) {
          // Suspects came before the segment that failed, and the segments still to write after it.
          return { records: suspects.map((s) => s.record).concat(segment, ...segments), cause: error };
        }
        if (segment.length > 1) segments.unshift(...halves(segment));
        else (kind === 'entry' ? this.unfiled : suspects).push({ record: segment[0]!, error: asError(error) });
      }
    }
    if (suspects.length === 0) return null;
    // An unexplained failure of every entry says more about the store than about the entries.
    if (!storedAny) return { records: suspects.map((s) => s.record), cause: suspects[0]!.error };
    this.unfiled.push(...suspects);
    return null;
  }

  private stored(segment: readonly LogRecord[], rejected: readonly Rejection[]): void {
    this.failures = 0;
    this.lastError = null;
    const refused = rejected.length === 0 ? null : new Set(rejected.map((r) => r.record));
    // Counted by runs of one type: a batch is mostly long runs of messages.
    let type: EntryType | null = null;
    let run = 0;
    for (const record of segment) {
      if (refused?.has(record)) continue;
      if (record.entry.type !== type) {
        if (type !== null) this.written[type] = (this.written[type] ?? 0) + run;
        type = record.entry.type;
        run = 0;
      }
      run += 1;
    }
    if (type !== null) this.written[type] = (this.written[type] ?? 0) + run;
  }

  /**
   * Moves the entries the provider refused to its dead-letter file, then reports each. Returns
   * the error when the file cannot be written: they then wait in `unfiled` for the next try.
   */
  private async fileRejections(): Promise<ProviderError | null> {
    if (this.unfiled.length === 0) return null;
    const rejections = this.unfiled;
    const file = this.provider.deadLetterPath ?? null;
    if (file !== null) {
      try {
        await writeDeadLetters(file, this.provider.label, rejections);
      } catch (error) {
        return new ProviderError(`cannot write the dead-letter file ${file}: ${asError(error).message}`, this.provider.label, { cause: error, transient: true });
      }
    }
    this.unfiled = [];
    this.rejected += rejections.length;
    for (const { record, error } of rejections) {
      const where = file === null ? 'not stored' : `kept in ${file}`;
      const reason = error instanceof ProviderError ? error.detail : error.message;
      const message = `entry ${record.entry.id} (${record.entry.type}) rejected, ${where}: ${reason}`;
      this.options.report(new RejectedEntryError(message, this.provider.label, record.entry.id, file, { cause: error }));
    }
    return null;
  }

  private fail(cause: unknown, waiting: number): void {
    this.failures += 1;
    const queued = `${count(waiting, 'entry', 'entries')} queued, retrying`;
    this.lastError =
      cause instanceof ProviderError
        ? new ProviderError(`${cause.detail} (${queued})`, this.provider.label, { cause, transient: cause.transient })
        : new ProviderError(`write failed (${queued}): ${asError(cause).message}`, this.provider.label, { cause });
    this.options.report(this.lastError);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.drain();
    }, this.delay());
  }

  private delay(): number {
    return Math.min(this.options.maxRetryDelay, this.options.retryDelay * 2 ** Math.max(0, this.failures - 1));
  }
}

function halves<T>(items: T[]): [T[], T[]] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
