import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { Pool } from 'pg';
import { maskUrl, parseDatabaseUrl } from './url.js';
import { driverCause, ProviderError } from '../../core/errors.js';
import type { Dialect } from './ddl.js';
import { importDriver } from './drivers.js';
import { describeDatabaseFailure, type ConnectionConfig } from './failure.js';
import { pgTables, sqliteTables, type Tables } from './schema/index.js';
import { serial } from '../../core/serial.js';

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

async function openSqlite(path: string, where: string, label: string): Promise<SqlBackend> {
  const [{ default: Database }, { drizzle: drizzleSqlite }] = await importDriver('better-sqlite3', where, label, () =>
    Promise.all([import('better-sqlite3'), import('drizzle-orm/better-sqlite3')]),
  );
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  if (path !== ':memory:') whenNotBusy(() => client.pragma('journal_mode = WAL'));
  client.pragma('synchronous = NORMAL');
  // Unicode case folding for content filters (see fragments.ts `containsText`).
  // Refresh the planner's statistics when stale (bounded work): without them SQLite may
  // probe messages by model instead of by conversation and turn a 1 ms query into seconds.
  client.pragma('analysis_limit = 1000');
  whenNotBusy(() => client.pragma('optimize = 0x10002'));
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

/** Runs `work` in one transaction of a PostgreSQL-family database. */
type PgTransaction = <T>(work: (db: Db) => T | Promise<T>) => Promise<T>;

function pgBackend(db: PgDb, where: string, close: () => Promise<void>, transaction?: PgTransaction): SqlBackend {
  const serialize = serial();
  const run = async (statement: string, on?: Db) => (await ((on ?? db) as unknown as PgDb).execute(sql.raw(statement))).rows;
  const inTransaction: PgTransaction = transaction ?? ((work) => db.transaction(async (tx) => work(tx as Db)));
  return {
    dialect: 'postgres',
    db: db as unknown as Db,
    tables: pgTables as unknown as Tables,
    where,
    async execute(statement, on) {
      await run(statement, on);
    },
    query: async <T>(statement: string, on?: Db) => (await run(statement, on)) as T[],
    transaction: (work) => serialize(() => inTransaction(work)),
    close,
  };
}

/**
 * A transaction on a client of the pool, released in every case. (drizzle's own pool
 * transaction sends BEGIN outside its try, so a connection lost at that moment leaks the
 * client: after a few server restarts the pool was full of dead clients and hung for good.)
 * A client whose ROLLBACK also fails is broken and is destroyed rather than reused.
 */
function poolTransaction(pool: Pool, drizzlePg: typeof import('drizzle-orm/node-postgres').drizzle): PgTransaction {
  return async (work) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(drizzlePg({ client }) as unknown as Db);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((lost: Error) => (broken = lost));
      throw error;
    } finally {
      client.release(broken);
    }
  };
}

/** What opening a PostgreSQL pool needs from the provider's config. */
export interface PostgresOptions {
  poolSize: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}

/**
 * A pool that survives the server going away. `pg` emits 'error' on a client whose connection
 * dies: on an idle one the pool listens, but a checked-out one has no listener, and an
 * unhandled 'error' event would take the whole process down. Every client gets a listener of
 * its own; the query in flight rejects, the batch is retried, and the pool connects anew.
 */
async function openPostgres(connectionString: string, options: PostgresOptions, where: string, label: string): Promise<SqlBackend> {
  const [{ default: pg }, { drizzle: drizzlePg }] = await importDriver('pg', where, label, () => Promise.all([import('pg'), import('drizzle-orm/node-postgres')]));
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // The server cancels a long statement; the client gives up a little later on a server that
    // stopped answering altogether (a half-open connection).
    ...(options.queryTimeoutMs > 0 ? { statement_timeout: options.queryTimeoutMs, query_timeout: options.queryTimeoutMs + 5_000 } : {}),
    keepAlive: true,
  });
  const ignore = () => undefined;
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  const db = drizzlePg({ client: pool });
  return pgBackend(db as unknown as PgDb, where, () => pool.end(), poolTransaction(pool, drizzlePg));
}

async function openPglite(path: string, where: string, label: string): Promise<SqlBackend> {
  const [{ PGlite }, { drizzle: drizzlePglite }] = await importDriver('@electric-sql/pglite', where, label, () =>
    Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite')]),
  );
  if (path !== 'memory') mkdirSync(path, { recursive: true });
  const client = path === 'memory' ? new PGlite() : new PGlite(path);
  await client.waitReady;
  const db = drizzlePglite({ client });
  return pgBackend(db as unknown as PgDb, where, () => client.close());
}

/**
 * Opens the database of an sql provider and checks that it answers. Throws `ProviderError`
 * naming the database (password masked) and the root cause, e.g. ECONNREFUSED or 28P01.
 */
export async function openBackend(config: ConnectionConfig, label: string): Promise<SqlBackend> {
  const url = config.url ?? '';
  const where = maskUrl(url);
  let backend: SqlBackend | undefined;
  try {
    const parsed = parseDatabaseUrl(url);
    if (parsed.dialect === 'sqlite') return await openSqlite(parsed.path, where, label);
    if (parsed.dialect === 'pglite') return await openPglite(parsed.path, where, label);
    const options = { poolSize: config.pool_size, connectTimeoutMs: config.connect_timeout_ms, queryTimeoutMs: config.query_timeout_ms };
    backend = await openPostgres(parsed.connectionString, options, where, label);
    await backend.query('SELECT 1');
    return backend;
  } catch (error) {
    await backend?.close().catch(() => undefined);
    if (error instanceof ProviderError) throw error;
    throw new ProviderError(`cannot open ${where}: ${describeDatabaseFailure(error, config)}`, label, { cause: driverCause(error) });
  }
}
