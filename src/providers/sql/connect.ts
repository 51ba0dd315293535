import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { maskUrl, parseDatabaseUrl } from '../../config/database-url.js';
import { ProviderError } from '../../errors.js';
import type { Dialect } from './ddl.js';
import { pgTables, sqliteTables, type Tables } from './schema/index.js';
import { serial } from '../serial.js';

/**
 * The drizzle database the shared query code is written against. PostgreSQL and PGlite
 * databases are handed over under this type: their select / insert / delete builders have the
 * same shape at run time, and every query awaits its builder, which both dialects support.
 */
export type Db = BetterSQLite3Database;

/** One open database: drizzle, its tables, raw SQL for DDL and introspection, and transactions. */
export interface SqlBackend {
  readonly dialect: Dialect;
  readonly db: Db;
  readonly tables: Tables;
  /** The better-sqlite3 connection, for the SQLite write path. */
  readonly sqlite?: Database.Database;
  /** The URL with its password masked, for messages. */
  readonly where: string;
  /**
   * Runs a raw statement (DDL) on the connection, or on a transaction's `db` when given:
   * inside a transaction every statement must go through it (PGlite has one connection).
   */
  execute(statement: string, db?: Db): Promise<void>;
  /** Runs a raw query (introspection) and returns its rows; `db` as for `execute`. */
  query<T>(statement: string, db?: Db): Promise<T[]>;
  /**
   * Runs `work` in one transaction, one at a time per connection. On SQLite it is BEGIN
   * IMMEDIATE, which takes the write lock up front so a second process waits (busy timeout)
   * instead of failing with SQLITE_BUSY on lock upgrade.
   */
  transaction<T>(work: (db: Db) => T | Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** How long a SQLite connection waits for another's write lock: two processes logging into one file take turns. */
const SQLITE_BUSY_TIMEOUT_MS = 15_000;

function openSqlite(path: string, where: string): SqlBackend {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  if (path !== ':memory:') client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  // Unicode case folding for content filters (see fragments.ts `containsText`).
  // Refresh the planner's statistics when stale (bounded work): without them SQLite may
  // probe messages by model instead of by conversation and turn a 1 ms query into seconds.
  client.pragma('analysis_limit = 1000');
  client.pragma('optimize = 0x10002');
  client.function('historian_lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  const db = drizzleSqlite({ client });
  const serialize = serial();
  return {
    dialect: 'sqlite',
    db,
    tables: sqliteTables,
    sqlite: client,
    where,
    async execute(statement) {
      client.exec(statement);
    },
    async query<T>(statement: string) {
      return client.prepare(statement).all() as T[];
    },
    transaction: (work) =>
      serialize(async () => {
        client.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(db);
          client.exec('COMMIT');
          return result;
        } catch (error) {
          if (client.inTransaction) client.exec('ROLLBACK');
          throw error;
        }
      }),
    async close() {
      client.pragma('optimize');
      client.close();
    },
  };
}

type PgDb = {
  execute(query: SQL): Promise<{ rows: unknown[] }>;
  transaction<T>(work: (tx: never) => Promise<T>): Promise<T>;
};

function pgBackend(db: PgDb, where: string, close: () => Promise<void>): SqlBackend {
  const serialize = serial();
  const run = async (statement: string, on?: Db) => (await ((on ?? db) as unknown as PgDb).execute(sql.raw(statement))).rows;
  return {
    dialect: 'postgres',
    db: db as unknown as Db,
    tables: pgTables as unknown as Tables,
    where,
    async execute(statement, on) {
      await run(statement, on);
    },
    query: async <T>(statement: string, on?: Db) => (await run(statement, on)) as T[],
    transaction: (work) => serialize(() => db.transaction(async (tx) => work(tx as Db))),
    close,
  };
}

function openPostgres(connectionString: string, poolSize: number, where: string): SqlBackend {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = drizzlePg({ client: pool });
  return pgBackend(db as unknown as PgDb, where, () => pool.end());
}

async function openPglite(path: string, where: string): Promise<SqlBackend> {
  if (path !== 'memory') mkdirSync(path, { recursive: true });
  const client = path === 'memory' ? new PGlite() : new PGlite(path);
  await client.waitReady;
  const db = drizzlePglite({ client });
  return pgBackend(db as unknown as PgDb, where, () => client.close());
}

/** Opens the database of an sql provider's URL. Throws `ProviderError` (password masked) on failure. */
export async function openBackend(url: string, poolSize: number, label: string): Promise<SqlBackend> {
  const where = maskUrl(url);
  try {
    const parsed = parseDatabaseUrl(url);
    if (parsed.dialect === 'sqlite') return openSqlite(parsed.path, where);
    if (parsed.dialect === 'pglite') return await openPglite(parsed.path, where);
    return openPostgres(parsed.connectionString, poolSize, where);
  } catch (error) {
    throw new ProviderError(`cannot open ${where}: ${maskInMessage(error, url)}`, label, { cause: error });
  }
}

/** An error's message with the URL's password masked, in case a driver quoted the URL. */
export function maskInMessage(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@/\s]*)@/i.exec(url)?.[1];
  return password ? message.split(password).join('***') : message;
}
