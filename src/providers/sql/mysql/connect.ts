import type { Pool, PoolConnection, QueryOptions, QueryValues } from 'mysql2/promise';
import { serial } from '../../../core/serial.js';
import type { ConnectionConfig } from '../failure.js';
import type { OpenOptions, SqlBackend } from '../dialect.js';
import { importDriver } from '../drivers.js';
import { BINARY_COLLATIONS, mysqlDialect } from './dialect.js';
import { compileInserts } from './insert.js';
import { mysqlStatements, type RawQuery } from './statements.js';

type Drizzle = typeof import('drizzle-orm/mysql2').drizzle;

/** What the server is, read once at open: it decides the collation and the session settings. */
interface Server {
  version: string;
  sql_mode: string;
  collation: string | null;
}

/** How long a named lock is waited for when statements have no time limit: a year. */
const FOREVER_SECONDS = 365 * 24 * 3600;

/** A connection that can no longer be trusted: lost, or left mid-reply by a client-side timeout. */
function isBroken(error: unknown): boolean {
  const { fatal, code } = (error ?? {}) as { fatal?: unknown; code?: unknown };
  return fatal === true || code === 'PROTOCOL_SEQUENCE_TIMEOUT';
}

/**
 * The settings every connection gets before its first statement: READ COMMITTED, so a writer
 * that waited for a session's lock reads the sequence numbers committed meanwhile (as on
 * PostgreSQL); strict mode, so a value too long is an error, never cut short; backslash escapes,
 * which mysql2's client-side escaping relies on; room for GROUP_CONCAT (stats' model lists); the
 * statement time limit (MariaDB limits every statement, MySQL only SELECTs).
 */
function sessionSettings(server: Server, config: ConnectionConfig): string[] {
  const modes = server.sql_mode.split(',').filter((mode) => mode !== '' && mode !== 'NO_BACKSLASH_ESCAPES');
  if (!modes.includes('STRICT_ALL_TABLES')) modes.push('STRICT_ALL_TABLES');
  const settings = [`SESSION sql_mode = '${modes.filter((mode) => /^\w+$/.test(mode)).join(',')}'`, 'SESSION group_concat_max_len = 16777216'];
  if (config.query_timeout_ms > 0) {
    settings.push(
      /mariadb/i.test(server.version)
        ? `SESSION max_statement_time = ${config.query_timeout_ms / 1000}`
        : `SESSION max_execution_time = ${config.query_timeout_ms}`,
    );
  }
  return ['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', `SET ${settings.join(', ')}`];
}

/**
 * Runs a query on a connection, giving up after `limit` ms: a server that stopped answering (a
 * half-open connection) cannot hang a batch. The connection is destroyed then, as it is left
 * mid-reply. (mysql2's own `timeout` option leaves its timer running when the connection is lost,
 * which kept the process alive for a whole timeout after close.)
 */
function timedQuery(limit: number | undefined) {
  return async (connection: PoolConnection, options: string | QueryOptions, values?: QueryValues) => {
    const query = typeof options === 'string' ? { sql: options } : options;
    if (limit === undefined) return connection.query(query, values);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        connection.destroy();
        reject(Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }));
      }, limit);
    });
    try {
      return await Promise.race([connection.query(query, values), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Opens a MySQL or MariaDB server through a mysql2 pool. A server that goes away never takes the
 * process down: every connection has an 'error' listener, a connection whose query failed with
 * it lost is destroyed rather than reused, and the pool connects anew for the next batch.
 */
export async function openMysql(connectionString: string, { where, label, config }: OpenOptions): Promise<SqlBackend> {
  const [mysql, { drizzle }] = await importDriver('mysql2', where, label, () => Promise.all([import('mysql2/promise'), import('drizzle-orm/mysql2')]));
  const pool = mysql.createPool({
    // mysql2 reads the URL itself; it knows only the mysql: scheme.
    uri: connectionString.replace(/^mariadb:/i, 'mysql:'),
    connectionLimit: config.pool_size,
    maxIdle: config.pool_size,
    connectTimeout: config.connect_timeout_ms,
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
    charset: 'UTF8MB4_UNICODE_CI',
  });
  const query = timedQuery(config.query_timeout_ms > 0 ? config.query_timeout_ms + 5_000 : undefined);
  let settings: string[] | undefined;
  const ignore = () => undefined;
  pool.pool.on('connection', (connection) => {
    connection.on('error', ignore);
    // Queued before any statement of the pool: the connection is handed out after this listener.
    for (const setting of settings ?? []) connection.query(setting, ignore);
  });
  try {
    const server = await configure(pool, config, (found) => (settings = found));
    return mysqlBackend(pool, drizzle, where, config, query, mysqlDialect(server.collation ?? 'utf8mb4_bin'));
  } catch (error) {
    await pool.end().catch(ignore);
    throw error;
  }
}

/** Reads what the server is on a first connection, and gives that connection (and every later one) its settings. */
async function configure(pool: Pool, config: ConnectionConfig, use: (settings: string[]) => void): Promise<Server> {
  const connection = await pool.getConnection();
  try {
    const collations = BINARY_COLLATIONS.map((c) => `'${c}'`).join(', ');
    const [rows] = await connection.query(
      `SELECT VERSION() AS version, @@SESSION.sql_mode AS sql_mode, (SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (${collations}) ORDER BY FIELD(COLLATION_NAME, ${collations}) LIMIT 1) AS collation`,
    );
    const server = (rows as Server[])[0]!;
    const settings = sessionSettings(server, config);
    for (const setting of settings) await connection.query(setting);
    use(settings);
    return server;
  } finally {
    connection.release();
  }
}

function mysqlBackend(pool: Pool, drizzle: Drizzle, where: string, config: ConnectionConfig, timed: ReturnType<typeof timedQuery>, dialect: SqlBackend['dialect']): SqlBackend {
  const waitSeconds = config.query_timeout_ms > 0 ? Math.ceil(config.query_timeout_ms / 1000) : FOREVER_SECONDS;
  const noLocks = { waitSeconds, taken: () => undefined };

  // Statements outside a transaction: each takes a connection of the pool for itself.
  const pooled = async (options: string | QueryOptions, values?: QueryValues) => {
    const connection = await pool.getConnection();
    try {
      const result = await timed(connection, options, values);
      connection.release();
      return result;
    } catch (error) {
      if (isBroken(error)) connection.destroy();
      else connection.release();
      throw error;
    }
  };
  const onPool = new Proxy(pool, { get: (target, key, receiver) => (key === 'query' ? pooled : Reflect.get(target, key, receiver)) });
  const rawOnPool: RawQuery = async (statement, values) => (await pooled(statement, values))[0] as unknown[];
  const db = drizzle({ client: onPool });
  const inserts = compileInserts(db);
  const statements = mysqlStatements(db, inserts, rawOnPool, noLocks);

  /**
   * A transaction on one connection of the pool, released in every case, or destroyed when it
   * was lost or its ROLLBACK failed. Named locks taken by the work are released after COMMIT or
   * ROLLBACK, so the next holder reads what this one committed.
   */
  const transaction: SqlBackend['transaction'] = async (work) => {
    const connection = await pool.getConnection();
    let locked = false;
    let broken = false;
    const query = async (options: string | QueryOptions, values?: QueryValues) => {
      try {
        return await timed(connection, options, values);
      } catch (error) {
        if (isBroken(error)) broken = true;
        throw error;
      }
    };
    const client = new Proxy(connection, { get: (target, key, receiver) => (key === 'query' ? query : Reflect.get(target, key, receiver)) });
    const raw: RawQuery = async (statement, values) => (await query(statement, values))[0] as unknown[];
    try {
      await raw('START TRANSACTION');
      const result = await work(mysqlStatements(drizzle({ client }), inserts, raw, { waitSeconds, taken: () => (locked = true) }));
      await raw('COMMIT');
      return result;
    } catch (error) {
      if (!broken) await raw('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      if (locked && !broken) await raw('DO RELEASE_ALL_LOCKS()').catch(() => (broken = true));
      if (broken) connection.destroy();
      else connection.release();
    }
  };
  const serialize = serial();
  return { dialect, where, statements, transaction: (work) => serialize(() => transaction(work)), close: () => pool.end() };
}
