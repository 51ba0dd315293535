import { ProviderError } from '../../errors.js';
import type { HistoryReader } from '../../history/types.js';
import type { LogRecord, Provider, ProviderDefinition } from '../types.js';
import { maskInMessage, openBackend, type SqlBackend } from './connect.js';
import { ensureSchema } from './migrate.js';
import { readConversations, readMessages } from './read-conversations.js';
import { readEntries } from './read-entries.js';
import { readCommands, readStats } from './read-stats.js';
import { resetHistory } from './reset.js';
import { readRunFacts } from './run-events.js';
import { pgWriter } from './write-pg.js';
import { sqliteWriter } from './write-sqlite.js';

export { openBackend, type SqlBackend } from './connect.js';
export { applyMigration, migrationPlan, planMigration, describeMissing, type MigrationPlan } from './migrate.js';
export { declaredTables } from './ddl.js';

/** Wraps a driver error as a `ProviderError` with the provider's label and no password. */
function failure(what: string, backend: SqlBackend, url: string, label: string) {
  return (error: unknown): never => {
    if (error instanceof ProviderError) throw error;
    throw new ProviderError(`${what} failed on ${backend.where}: ${maskInMessage(error, url)}`, label, { cause: error });
  };
}

function reader(backend: SqlBackend, url: string, label: string): HistoryReader {
  const read = <T>(what: string, work: Promise<T>) => work.catch(failure(what, backend, url, label));
  return {
    conversations: (query) => read('conversations query', readConversations(backend, query)),
    messages: (query) => read('messages query', readMessages(backend, query)),
    stats: (query) => read('stats query', readStats(backend, query)),
    commands: (query) => read('commands query', readCommands(backend, query)),
    reset: (query) => read('reset', resetHistory(backend, query)),
    async *entries(query) {
      try {
        yield* readEntries(backend, query);
      } catch (error) {
        failure('entries query', backend, url, label)(error);
      }
    },
  };
}

/** The batch writer of a backend: prepared statements on SQLite, multi-row inserts on PostgreSQL. */
function openWriter(backend: SqlBackend) {
  return backend.dialect === 'postgres' ? pgWriter(backend) : sqliteWriter(backend);
}

/**
 * `type: sql` — history in SQLite (better-sqlite3), PostgreSQL (pg) or PGlite through
 * drizzle-orm. Opening connects, then adds missing tables, columns and indexes
 * (`auto_migration`) or fails naming them; each batch is written in one transaction.
 */
export const sqlProvider: ProviderDefinition<'sql'> = {
  readable: true,
  async open({ label, config }) {
    const url = config.url ?? '';
    const backend = await openBackend(url, config.pool_size, label);
    try {
      await ensureSchema(backend, config.auto_migration, label);
    } catch (error) {
      await backend.close().catch(() => undefined);
      return failure('migration', backend, url, label)(error);
    }
    const writer = openWriter(backend);
    const provider: Provider = {
      label,
      type: 'sql',
      write: (batch: readonly LogRecord[]) => writer.write(batch).catch(failure(`writing ${batch.length} entries`, backend, url, label)),
      async close() {
        try {
          await writer.close();
        } finally {
          await backend.close();
        }
      },
      reader: reader(backend, url, label),
      runs: { facts: (query) => readRunFacts(backend, query).catch(failure('run log query', backend, url, label)) },
    };
    return provider;
  },
};
