import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { makeFolderSync } from '../../../fs/folder.js';
import { serial } from '../../../core/serial.js';
import type { OpenOptions, SqlBackend } from '../dialect.js';
import { importDriver } from '../drivers.js';
import { sqliteDialect } from './dialect.js';
import { follower, type Follower } from './follower.js';
import { FOLLOW_CHUNK_ROWS, FOLLOW_LAG_ROWS, FOLLOW_SQL } from './search.js';
import { sqliteStatements } from './statements.js';
import { endWriterTurn, turnsMemory, writerTurn } from './write-turns.js';

/** How long a SQLite connection waits for another's write lock: two processes logging into one file take turns. */
const SQLITE_BUSY_TIMEOUT_MS = 15_000;

/**
 * Runs a statement that SQLite may refuse with SQLITE_BUSY without calling its busy handler:
 * switching a new file to WAL while another process opens it too, for one. It is tried again
 * for as long as the busy timeout allows.
 */
function whenNotBusy<T>(work: () => T): T {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      return work();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.random() * 40);
    }
  }
}

/**
 * The search index's follower thread of a file, sharing `memory` with its writes (started at the
 * first bulk write); a close's catch-up is reported as the index's progress.
 */
function followerOf(path: string, client: Database.Database, memory: SharedArrayBuffer, { warn, progress }: OpenOptions): Follower {
  // Prepared at the first look: the tables may not exist before the migration that follows opening.
  let statements: { reached: Database.Statement; last: Database.Statement } | undefined;
  const position = () => {
    statements ??= { reached: client.prepare(FOLLOW_SQL.reached).pluck(), last: client.prepare(FOLLOW_SQL.last).pluck() };
    return { reached: (statements.reached.get() as number | undefined) ?? 0, last: statements.last.get() as number };
  };
  return follower({
    path,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    memory,
    chunkRows: FOLLOW_CHUNK_ROWS,
    lagRows: FOLLOW_LAG_ROWS,
    sql: FOLLOW_SQL,
    onError: (error) => warn?.(`the search index's follower thread failed (${error.message}): writes index their own messages from now on, and searches scan what is not indexed yet`),
    position,
    onProgress: progress,
  });
}

/** Opens a SQLite file (or `:memory:`) in WAL mode with a busy timeout, through better-sqlite3. */
export async function openSqlite(path: string, options: OpenOptions): Promise<SqlBackend> {
  const { where, label } = options;
  const [{ default: Database }, { drizzle }] = await importDriver('better-sqlite3', where, label, () =>
    Promise.all([import('better-sqlite3'), import('drizzle-orm/better-sqlite3')]),
  );
  if (path !== ':memory:') makeFolderSync(dirname(path));
  const client = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  if (path !== ':memory:') whenNotBusy(() => client.pragma('journal_mode = WAL'));
  client.pragma('synchronous = NORMAL');
  // Refresh the planner's statistics when stale (bounded work): without them SQLite may
  // probe messages by model instead of by conversation and turn a 1 ms query into seconds.
  client.pragma('analysis_limit = 1000');
  whenNotBusy(() => client.pragma('optimize = 0x10002'));
  // Unicode case folding for content filters (see dialect.ts `containsText`).
  client.function('historian_lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  const memory = turnsMemory();
  const searchFollower = path === ':memory:' ? undefined : followerOf(path, client, memory, options);
  const statements = sqliteStatements(drizzle({ client }), client, searchFollower);
  const serialize = serial();
  return {
    dialect: sqliteDialect,
    where,
    statements,
    transaction: (work) =>
      serialize(async () => {
        await writerTurn(memory);
        try {
          client.exec('BEGIN IMMEDIATE');
          const result = await work(statements);
          client.exec('COMMIT');
          searchFollower?.committed();
          return result;
        } catch (error) {
          if (client.inTransaction) client.exec('ROLLBACK');
          throw error;
        } finally {
          endWriterTurn(memory);
        }
      }),
    async close() {
      await searchFollower?.close();
      client.pragma('optimize');
      client.close();
    },
  };
}
