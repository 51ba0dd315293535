import { sql } from 'drizzle-orm';
import type { Pool } from 'pg';
import { serial } from '../../../core/serial.js';
import { makeFolderSync } from '../../../fs/folder.js';
import type { OpenOptions, SqlBackend, Statements } from '../dialect.js';
import { importDriver } from '../drivers.js';
import { pgDialect } from './dialect.js';
import { pgStatements } from './statements.js';

type NodePgDrizzle = typeof import('drizzle-orm/node-postgres').drizzle;

/** A PostgreSQL-family backend from its statements, its transactions and how to close it. */
function pgBackend(where: string, statements: Statements, transaction: SqlBackend['transaction'], close: () => Promise<void>): SqlBackend {
  const serialize = serial();
  return { dialect: pgDialect, where, statements, transaction: (work) => serialize(() => transaction(work)), close };
}

/** How a client whose connection is gone (or silent past query_timeout_ms) fails its query. */
const CONNECTION_LOST = /connection terminated|query read timeout|not queryable|ECONNRESET|EPIPE|ETIMEDOUT/i;

/**
 * A transaction on a client of the pool, released in every case. (drizzle's own pool
 * transaction sends BEGIN outside its try, so a connection lost at that moment leaks the
 * client: after a few server restarts the pool was full of dead clients and hung for good.)
 * A client whose connection is lost is destroyed at once, without a ROLLBACK that would wait
 * out a second timeout on a server that stopped answering; so is one whose ROLLBACK fails.
 */
function poolTransaction(pool: Pool, drizzle: NodePgDrizzle): SqlBackend['transaction'] {
  return async (work) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(pgStatements(drizzle({ client }), async (statement) => (await client.query(statement)).rows));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (CONNECTION_LOST.test(String((error as Error)?.message))) broken = error as Error;
      else await client.query('ROLLBACK').catch((lost: Error) => (broken = lost));
      throw error;
    } finally {
      client.release(broken);
    }
  };
}

/**
 * A pool that survives the server going away. `pg` emits 'error' on a client whose connection
 * dies: on an idle one the pool listens, but a checked-out one has no listener, and an
 * unhandled 'error' event would take the whole process down. Every client gets a listener of
 * its own; the query in flight rejects, the batch is retried, and the pool connects anew.
 */
export async function openPostgres(connectionString: string, { where, label, config }: OpenOptions): Promise<SqlBackend> {
  const [{ default: pg }, { drizzle }] = await importDriver('pg', where, label, () => Promise.all([import('pg'), import('drizzle-orm/node-postgres')]));
  const pool = new pg.Pool({
    connectionString,
    max: config.pool_size,
    connectionTimeoutMillis: config.connect_timeout_ms,
    // The server cancels a long statement; the client gives up a little later on a server that
    // stopped answering altogether (a half-open connection).
    ...(config.query_timeout_ms > 0 ? { statement_timeout: config.query_timeout_ms, query_timeout: config.query_timeout_ms + 5_000 } : {}),
    keepAlive: true,
  });
  const ignore = () => undefined;
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  const statements = pgStatements(drizzle({ client: pool }), async (statement) => (await pool.query(statement)).rows);
  const backend = pgBackend(where, statements, poolTransaction(pool, drizzle), () => pool.end());
  try {
    await statements.query('SELECT 1');
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
  return backend;
}

/** Opens an embedded PostgreSQL (PGlite) in a folder, or in memory. */
export async function openPglite(path: string, { where, label }: OpenOptions): Promise<SqlBackend> {
  const [{ PGlite }, { drizzle }, { pg_trgm }] = await importDriver('@electric-sql/pglite', where, label, () =>
    Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite'), import('@electric-sql/pglite/contrib/pg_trgm')]),
  );
  if (path !== 'memory') makeFolderSync(path);
  // pg_trgm, for the search index (search.ts), is loaded only when the database creates it.
  const extensions = { pg_trgm };
  const client = path === 'memory' ? new PGlite({ extensions }) : new PGlite(path, { extensions });
  await client.waitReady;
  const db = drizzle({ client });
  const statements = pgStatements(db, async (statement) => (await client.query(statement)).rows);
  const transaction: SqlBackend['transaction'] = (work) =>
    db.transaction((tx) => work(pgStatements(tx, async (statement) => (await tx.execute(sql.raw(statement))).rows)));
  return pgBackend(where, statements, transaction, () => client.close());
}
