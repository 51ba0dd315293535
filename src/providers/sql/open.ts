import { join } from 'node:path';
import type { LogRecord, OpenProvider, ProviderContext, ResolvedProvider } from '../../core/provider.js';
import type { Entry } from '../../core/entries.js';
import type { HistoryReader } from '../../core/queries.js';
import type { RunReader } from '../../core/run-queries.js';
import type { SqlConfig } from './config.js';
import { openBackend } from './backend.js';
import type { SqlBackend } from './dialect.js';
import { databaseFailure, type ConnectionConfig } from './failure.js';
import { ensureSchema } from './migrate.js';
import { countConversations, readConversations, readMessages } from './read-conversations.js';
import { entryFeed } from './feed.js';
import { readEntries } from './read-entries.js';
import { readLlmCalls, readRunIds, readSteps } from './read-runs.js';
import { countCommands, readCommands, readStats } from './read-stats.js';
import { resetHistory } from './reset.js';
import { readRunFacts } from './run-events.js';
import { parseDatabaseUrl } from './url.js';
import { batchWriter } from './write.js';
import { count } from '../../core/count.js';
import { ProviderError } from '../../core/errors.js';

function reader(backend: SqlBackend, config: ConnectionConfig, label: string): HistoryReader {
  const read = <T>(what: string, work: Promise<T>) => work.catch(databaseFailure(what, backend.where, config, label));
  const feed = entryFeed(backend);
  return {
    feed: {
      end: () => read('entries query', feed.end()),
      upTo: (query, to) => readFailing(feed.upTo(query, to), databaseFailure('entries query', backend.where, config, label)),
      after: (from) => read('entries query', feed.after(from)),
    },
    conversations: (query) => read('conversations query', readConversations(backend, query)),
    countConversations: (query) => read('conversations count', countConversations(backend, query)),
    messages: (query) => read('messages query', readMessages(backend, query)),
    stats: (query) => read('stats query', readStats(backend, query)),
    commands: (query) => read('commands query', readCommands(backend, query)),
    countCommands: (query) => read('commands count', countCommands(backend, query)),
    reset: (query) => read('reset', resetHistory(backend, query)),
    entries: (query) => readFailing(readEntries(backend, query), databaseFailure('entries query', backend.where, config, label)),
  };
}

/** A stream of entries whose failure is reported by `fail`. */
async function* readFailing(entries: AsyncIterable<Entry>, fail: (error: unknown) => never): AsyncGenerator<Entry> {
  try {
    yield* entries;
  } catch (error) {
    fail(error);
  }
}

/**
 * Where entries the database refuses are kept: `<file>.rejected.jsonl` beside a SQLite file or
 * a PGlite folder, `<label>.rejected.jsonl` in the manifest's folder for a server. In-memory
 * databases keep nothing, so they have no dead-letter file either.
 */
function deadLetterPath(url: string, baseDir: string, label: string): string | undefined {
  const parsed = parseDatabaseUrl(url, baseDir);
  if (parsed.dialect === 'postgres' || parsed.dialect === 'mysql') return join(baseDir, `${label}.rejected.jsonl`);
  if (parsed.path === ':memory:' || parsed.path === 'memory') return undefined;
  return `${parsed.path}.rejected.jsonl`;
}

/**
 * Opens an sql provider: connects (loading the driver the URL needs), then adds missing tables,
 * columns and indexes (`auto_migration`) or fails naming them; each batch is written in one
 * transaction.
 */
export async function openSql({ label, config }: ResolvedProvider<SqlConfig>, ctx: ProviderContext): Promise<OpenProvider> {
  const report = {
    warn: (message: string) => ctx.warn(new ProviderError(message, label)),
    progress: (done: number, total: number) => ctx.progress?.(`${label}: search index`, done, total),
  };
  const backend = await openBackend(config, label, report);
  try {
    await ensureSchema(backend, config.auto_migration, label, report);
  } catch (error) {
    await backend.close().catch(() => undefined);
    return databaseFailure('migration', backend.where, config, label)(error);
  }
  const writer = batchWriter(backend);
  return {
    deadLetterPath: deadLetterPath(config.url ?? '', ctx.manifest.baseDir, label),
    write: (batch: readonly LogRecord[]) => writer.write(batch).catch(databaseFailure(`writing ${count(batch.length, 'entry', 'entries')}`, backend.where, config, label)),
    close: () => backend.close(),
    reader: reader(backend, config, label),
    runs: runReader(backend, config, label),
  };
}

/** The run log read in the database: facts by indexed columns, run pages, steps and LLM-call sums. */
function runReader(backend: SqlBackend, config: ConnectionConfig, label: string): RunReader {
  const failed = databaseFailure('run log query', backend.where, config, label);
  return {
    facts: (query) => readRunFacts(backend, query).catch(failed),
    runIds: (query) => readRunIds(backend, query).catch(failed),
    steps: (query) => readSteps(backend, query).catch(failed),
    llmCalls: (query) => readLlmCalls(backend, query).catch(failed),
  };
}
