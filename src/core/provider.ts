import type { ResolvedProvider, Manifest } from '../config/load.js';
import type { ProviderConfigOf, ProviderType } from '../config/schema.js';
import type { Entry } from './entries.js';
import type { ProviderError } from './errors.js';
import type { HistoryReader } from './queries.js';
import type { RunReader } from './run-queries.js';

/**
 * One logged entry as providers receive it: the stamped entry and the agent the logger
 * attributed it to (SPEC §1.2), or null when unknown. Shared by every provider; never mutate.
 */
export interface LogRecord {
  readonly entry: Entry;
  readonly agent: string | null;
  /**
   * True when the logger generated the entry's id, so no stored entry can share it and a
   * provider may skip its duplicate check; false when the caller supplied the id.
   */
  readonly fresh: boolean;
}

/** An entry a provider can never store, with why: retrying cannot help. */
export interface Rejection {
  readonly record: LogRecord;
  readonly error: Error;
}

/** What a provider's `write` returns: nothing, or the entries of the batch it rejected. */
export type WriteResult = void | readonly Rejection[];

/** An open provider: a plain object of methods, as in unstorage's drivers. */
export interface Provider {
  /** The provider's label (its `name`, else its `type`). */
  readonly label: string;
  readonly type: ProviderType;
  /**
   * Most records per `write`; default the logger's `batchSize`. A provider that rewrites a whole
   * document per write sets Infinity, so a long queue costs one rewrite, not one per batch.
   */
  readonly batchLimit?: number;
  /**
   * Stores a batch; resolves when it is durable. A throw means nothing of the batch may be
   * counted as stored: the logger retries it (a transient failure, see `isTransient`) or splits it
   * to find the entries that fail alone. Entries the provider knows it can never store (an entry
   * its format cannot encode, a path that escapes the log folder) are returned instead, and the
   * logger moves them to the dead-letter file; the rest of the batch must then be durable.
   */
  write(batch: readonly LogRecord[]): WriteResult | Promise<WriteResult>;
  /**
   * Where entries this provider can never store are kept, one JSON object per line with the
   * error (`<store>.rejected.jsonl` beside the store). Absent: they are only reported.
   */
  readonly deadLetterPath?: string;
  /** Releases files and connections. Called once, after the last write. */
  close(): Promise<void>;
  /** Present on providers that can read history back (sql, file, memory). */
  readonly reader?: HistoryReader;
  /** Present on providers that store the run log (SPEC §3.6) and can select its facts. */
  readonly runs?: RunReader;
}

/** What a provider factory gets besides its own config. */
export interface ProviderContext {
  manifest: Manifest;
  /** Reports a problem that does not fail the batch (e.g. one entry a template could not render). */
  warn(error: ProviderError): void;
}

/** A provider type: how to open it, and which checks to run at manifest load. */
export interface ProviderDefinition<T extends ProviderType = ProviderType> {
  /** Whether providers of this type answer history queries. */
  readonly readable: boolean;
  /** Opens the provider (create folders, connect, migrate, load). */
  open(provider: ResolvedProvider<ProviderConfigOf<T>>, ctx: ProviderContext): Provider | Promise<Provider>;
  /**
   * Problems found without writing anything (template syntax, unsupported file extension),
   * each `{ path, message }` with `path` relative to the provider (e.g. `template`).
   */
  check?(provider: ResolvedProvider<ProviderConfigOf<T>>): Promise<ProviderProblem[]> | ProviderProblem[];
}

/** A problem a provider's `check` found, relative to the provider's config. */
export interface ProviderProblem {
  /** Key inside the provider's config, e.g. `template`. */
  key: string;
  message: string;
}
