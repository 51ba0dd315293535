import { maskSecrets } from './secrets.js';

/** Base class of every error historian throws on purpose. */
export class HistorianError extends Error {
  override name = 'HistorianError';
}

/** One problem found in a manifest, positioned in its source where a source exists. */
export interface ManifestIssue {
  /** The manifest file, or `<string>` / `<object>` when loaded from memory. */
  file: string;
  /** YAML path such as `storage.providers[1].url`. */
  path: string;
  /** 1-based line of the offending node, when the manifest came from YAML text. */
  line?: number;
  /** 1-based column of the offending node, when the manifest came from YAML text. */
  column?: number;
  /** What was expected. */
  message: string;
}

/** Formats an issue as `file:line:column: path: message` (position left out when unknown). */
export function formatManifestIssue(issue: ManifestIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/**
 * A manifest failed to load; `issues` lists every problem found, one per entry. Issue messages
 * are masked (passwords, tokens): they quote manifest values, which may hold credentials.
 */
export class ManifestError extends HistorianError {
  override name = 'ManifestError';
  readonly issues: ManifestIssue[];
  constructor(issues: ManifestIssue[]) {
    const masked = issues.map((issue) => ({ ...issue, message: maskSecrets(issue.message) }));
    super(masked.map(formatManifestIssue).join('\n'));
    this.issues = masked;
  }
}

/** An entry failed validation; nothing was logged. `field` names the offending field. */
export class EntryError extends HistorianError {
  override name = 'EntryError';
  constructor(
    message: string,
    readonly field: string,
    readonly issues: { field: string; message: string }[] = [{ field, message }],
  ) {
    super(message);
  }
}

/**
 * A provider failed to open, write, read or close. Carries the provider's label. The message is
 * masked (passwords, tokens), since drivers quote connection strings; `cause` is left as it came.
 */
export class ProviderError extends HistorianError {
  override name = 'ProviderError';
  /**
   * Whether retrying the same write can succeed: true when the store is unavailable (connection,
   * lock, full disk), false when the data itself was refused, undefined when not known.
   */
  readonly transient: boolean | undefined;
  /** The message without the provider's label in front. */
  readonly detail: string;
  constructor(
    message: string,
    readonly provider: string,
    options?: { cause?: unknown; transient?: boolean },
  ) {
    const detail = maskSecrets(message);
    super(`${provider}: ${detail}`, options);
    this.transient = options?.transient;
    this.detail = detail;
  }
}

/**
 * A provider can never store an entry (retrying cannot help): the entry was moved to the
 * provider's dead-letter file, `file`, with this error, and the rest of its batch was stored.
 */
export class RejectedEntryError extends ProviderError {
  override name = 'RejectedEntryError';
  constructor(
    message: string,
    provider: string,
    /** The rejected entry's id. */
    readonly entryId: string,
    /** The dead-letter file that now holds it, or null when the provider has none. */
    readonly file: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, provider, { ...options, transient: false });
  }
}

/** A query option (duration, date, group) was not understood. */
export class QueryError extends HistorianError {
  override name = 'QueryError';
}

/** Every error of a cause chain (and of an AggregateError's errors), outermost first. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const visit = (item: unknown) => {
    if (item === undefined || item === null || chain.includes(item) || chain.length > 16) return;
    chain.push(item);
    if (item instanceof AggregateError) item.errors.forEach(visit);
    if (item instanceof Error) visit(item.cause);
  };
  visit(error);
  return chain;
}

/**
 * The root cause as an error of its own, with only its one-line message and its code: what a
 * `ProviderError` keeps as `cause` for a driver's failure. The driver's own error may hold the
 * statement's parameters (drizzle's "Failed query … params") or the refused row (PostgreSQL's
 * `detail`), which is logged content that `util.inspect(error)` would print.
 */
export function driverCause(error: unknown): Error {
  const chain = causeChain(error);
  const code = chain.map((item) => (item as { code?: unknown }).code).filter((c): c is string => typeof c === 'string').at(-1);
  const cause = new Error(rootCause(error));
  return code === undefined ? cause : Object.assign(cause, { code });
}

/**
 * The root cause of an error in one line: the innermost error that carries a code (a driver's
 * SQLSTATE, an errno), else the innermost with a message, as `message (code)`. Wrappers that
 * quote the statement and its parameters (drizzle's "Failed query: …") are skipped, so logged
 * content never reaches an error message through them.
 */
export function rootCause(error: unknown): string {
  const chain = causeChain(error).filter(
    (item): item is Error => item instanceof Error && item.message !== '' && !item.message.startsWith('Failed query: '),
  );
  const coded = chain.filter((item) => typeof (item as { code?: unknown }).code === 'string');
  const root = coded.at(-1) ?? chain.at(-1);
  if (!root) return error instanceof Error ? 'query failed' : String(error);
  const code = (root as { code?: string }).code;
  const message = root.message.split('\n')[0]!;
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}
