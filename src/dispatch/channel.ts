import type { AgentSet } from '../config/filters.js';
import type { Entry, EntryType } from '../entries/schema.js';
import { ProviderError } from '../errors.js';
import type { LogRecord, Provider } from '../providers/types.js';

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
}

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

  constructor(
    readonly provider: Provider,
    readonly types: ReadonlySet<EntryType>,
    readonly agents: AgentSet,
    private readonly options: ChannelOptions,
  ) {}

  /** Entries queued and not yet written. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues an entry; returns the queue length so the caller can start a drain early. */
  push(entry: Entry, agent: string | null, fresh: boolean): number {
    return this.queue.push(entry, agent, fresh);
  }

  /** Writes everything queued. Resolves when done or when a write failed (a retry is then scheduled). */
  drain(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.queue.length === 0 || this.retryTimer) return Promise.resolve();
    this.writing = this.writeAll().finally(() => {
      this.writing = null;
      // Entries logged while this write ran would otherwise wait for the next log() or flush().
      if (this.queue.length > 0 && !this.retryTimer) void this.drain();
    });
    return this.writing;
  }

  /**
   * Drains until the queue is empty, retrying failed writes now instead of on the timer.
   * Throws the provider's error after `attempts` consecutive failures; the entries stay queued.
   */
  async settle(attempts: number): Promise<void> {
    for (let failed = 0; ; ) {
      this.cancelRetry();
      await this.drain();
      if (this.queue.length === 0 && !this.writing) return;
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

  private async writeAll(): Promise<void> {
    const queued = this.queue;
    this.queue = new Queue();
    const batchSize = this.provider.batchLimit ?? this.options.batchSize;
    for (let offset = 0; offset < queued.length; offset += batchSize) {
      const batch = queued.records(offset, Math.min(queued.length, offset + batchSize));
      try {
        await this.provider.write(batch);
      } catch (cause) {
        this.queue = queued.tail(offset, this.queue);
        this.fail(cause, this.queue.length);
        return;
      }
      this.failures = 0;
      this.lastError = null;
      for (const { entry } of batch) this.written[entry.type] = (this.written[entry.type] ?? 0) + 1;
    }
  }

  private fail(cause: unknown, waiting: number): void {
    this.failures += 1;
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.lastError =
      cause instanceof ProviderError
        ? cause
        : new ProviderError(`write failed (${waiting} entries queued, retrying): ${reason}`, this.provider.label, { cause });
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
