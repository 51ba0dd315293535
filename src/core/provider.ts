import type { z } from 'zod';
import type { CommonProviderConfig, FlagName, StorageSettings } from './config-schema.js';
import type { Entry } from './entries.js';
import type { ManifestIssue, ProviderError } from './errors.js';
import type { AgentSet } from './filters.js';
import type { HistoryReader } from './queries.js';
import type { RunReader } from './run-queries.js';

/**
 * One logged entry as providers receive it: the stamped entry and the agent the logger
 * attributed it to (docs/manifest.md, Agent filters), or null when unknown. Shared by every provider; never mutate.
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
  /** Its provider type. */
  readonly type: string;
  /**
   * Most records per `write`; default the logger's `batchSize`. A provider that rewrites a whole
   * document per write sets Infinity, so a long queue costs one rewrite, not one per batch.
   */
  readonly batchLimit?: number;
  /**
   * Stores a batch; resolves when it is durable. A throw means nothing of the batch may be
   * counted as stored: the logger retries it (a transient failure, see `failureKind`) or splits it
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
  /** Present on providers that store the run log (docs/runs.md) and can select its facts. */
  readonly runs?: RunReader;
}

/** What a provider type's `open` returns: an open provider, without the label and type, which are filled in. */
export type OpenProvider = Omit<Provider, 'label' | 'type'>;

/** What a provider factory gets besides its own config. */
export interface ProviderContext {
  manifest: Manifest;
  /** Reports a problem that does not fail the batch (e.g. one entry a template could not render). */
  warn(error: ProviderError): void;
  /** Reports long work on open (a search index built for an existing store): `task` names it. */
  progress?: ((task: string, done: number, total: number) => void) | undefined;
}

/** A provider as configured, with its effective agent set and flags computed. */
export interface ResolvedProvider<C extends CommonProviderConfig = CommonProviderConfig> {
  /** `name`, else `type` (with `#2`, `#3`… for unnamed repeats): how messages refer to it. */
  label: string;
  /** Position in `storage.providers`. */
  index: number;
  /** The validated config, with relative paths resolved against the manifest's folder. */
  config: C;
  agents: AgentSet;
  flags: Record<FlagName, boolean>;
  /** The provider type this config is of: how to open, check and describe it. */
  definition: ProviderDefinition<C>;
}

/** A loaded, validated manifest: what `createHistorian` runs on. */
export interface Manifest {
  /** The manifest file, or `<string>` / `<object>`. */
  file: string;
  /** The folder relative paths were resolved against. */
  baseDir: string;
  /** The storage block's own settings (its providers are in `providers`). */
  storage: StorageSettings;
  providers: ResolvedProvider[];
  /** `storage.default_provider`, checked to name a configured provider. */
  defaultProvider: string | null;
  /** Every provider type the manifest could name (the built-in ones and any given in code). */
  definitions: readonly ProviderDefinition[];
  /** An issue positioned at a YAML path of this manifest (for checks made after loading). */
  issueAt(path: (string | number)[], message: string): ManifestIssue;
  /**
   * What loaded but looks like a mistake, e.g. storage keys at the top level where historian
   * ignores them. The CLI prints these; a library caller may.
   */
  warnings: readonly ManifestIssue[];
}

/** Where a provider's relative paths are resolved and its defaults read. */
export interface ResolveContext {
  /** The manifest's folder (the working directory for a storage block built in code). */
  baseDir: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A provider type: the one place that knows it. Its config schema (the `type` literal, the
 * common fields and its own), how its relative paths resolve, which checks run at load, how it
 * opens, and what `historian validate` shows of it. Built-in and custom types alike are made
 * with `defineProvider`.
 */
export interface ProviderDefinition<C extends CommonProviderConfig = CommonProviderConfig, Input = unknown> {
  /** The `type` that names it in a manifest. */
  readonly type: string;
  /** Its config schema: a strict object with `type: <literal>`, the common fields and its own. */
  readonly schema: z.ZodType<C, Input>;
  /** Whether providers of this type answer history queries. */
  readonly readable: boolean;
  /** The config with relative paths made absolute and defaults filled in from the environment. */
  resolve(config: C, where: ResolveContext): C;
  /**
   * Problems found without writing anything (template syntax, unsupported file extension),
   * each `{ key, message }` with `key` relative to the provider (e.g. `template`).
   */
  check(provider: ResolvedProvider<C>): Promise<ProviderProblem[]> | ProviderProblem[];
  /** Opens the provider (create folders, connect, migrate, load). */
  open(provider: ResolvedProvider<C>, ctx: ProviderContext): Promise<Provider>;
  /** Where it stores, for `historian validate`: a path, a URL with its password masked, or null. */
  describe(config: C): string | null;
  /**
   * For `historian migrate`, when the type has a schema to create or update: applies it, or with
   * `printOnly` changes nothing; returns the lines to print. Types without one are not listed.
   */
  migrate?(provider: ResolvedProvider<C>, options: MigrateOptions): Promise<string>;
  /** Advice for `historian validate` that is no error (a file grown past what its format suits). */
  advise?(provider: ResolvedProvider<C>): Promise<string[]>;
  /**
   * For `history reset --all-providers`, when a type that cannot read can still delete what it
   * wrote (a text log's files): deletes all of it and returns what was deleted (file paths).
   */
  clear?(provider: ResolvedProvider<C>): Promise<string[]>;
}

/** How `historian migrate` runs a provider's migration. */
export interface MigrateOptions {
  /** Print what would change (the SQL) without changing anything. */
  printOnly: boolean;
  /** Reports long work (a search index built for an existing store): `task` names it. */
  progress?: (task: string, done: number, total: number) => void;
  /** Reports a problem that fails nothing (a search index the database cannot have). */
  warn?: (message: string) => void;
}

/** A problem a provider's `check` found, relative to the provider's config. */
export interface ProviderProblem {
  /** Key inside the provider's config, e.g. `template`. */
  key: string;
  message: string;
}
