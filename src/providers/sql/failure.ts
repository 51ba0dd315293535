import { causeChain, driverCause, ProviderError, rootCause } from '../../core/errors.js';

/** The connection settings of an sql provider that failure messages refer to. */
export interface ConnectionConfig {
  url?: string | undefined;
  pool_size: number;
  connect_timeout_ms: number;
  query_timeout_ms: number;
}

/** The root cause of a failed database call in one line, with the setting to change after a timeout. */
export function describeDatabaseFailure(error: unknown, config: ConnectionConfig): string {
  const cause = rootCause(error);
  // pg reports a connect timeout around the error it caused ("Connection terminated unexpectedly").
  const said = causeChain(error).map((item) => (item instanceof Error ? item.message : '')).join('\n');
  if (/timeout exceeded when trying to connect|connection timeout/i.test(said)) {
    return `no answer within ${config.connect_timeout_ms} ms (connect_timeout_ms)`;
  }
  if (/query read timeout|query inactivity timeout/i.test(said)) return `no answer within ${config.query_timeout_ms} ms (query_timeout_ms)`;
  if (/connect ETIMEDOUT/.test(said)) return `no answer within ${config.connect_timeout_ms} ms (connect_timeout_ms)`;
  if (/canceling statement due to statement timeout|max_statement_time exceeded|maximum statement execution time exceeded/i.test(cause)) {
    return `${cause}; the limit is query_timeout_ms (${config.query_timeout_ms} ms)`;
  }
  return maskInMessage(cause, config.url ?? '');
}

/** An error's message with the URL's password masked, in case a driver quoted the URL. */
export function maskInMessage(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@/\s]*)@/i.exec(url)?.[1];
  return password ? message.split(password).join('***') : message;
}

/**
 * MySQL errors of an unavailable server (mysql2 codes): the connection, a lock, a timeout, a
 * shutdown, a full disk, a read-only server. Their SQLSTATE is often the catch-all HY000.
 */
const MYSQL_TRANSIENT = new Set([
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', 'ER_CON_COUNT_ERROR', 'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK', 'ER_USER_LOCK_DEADLOCK', 'ER_LOCK_TABLE_FULL', 'ER_CANT_LOCK', 'ER_SERVER_SHUTDOWN', 'ER_NORMAL_SHUTDOWN',
  'ER_SHUTDOWN_COMPLETE', 'ER_CONNECTION_KILLED', 'ER_QUERY_INTERRUPTED', 'ER_STATEMENT_TIMEOUT', 'ER_QUERY_TIMEOUT', 'ER_CLIENT_INTERACTION_TIMEOUT',
  'ER_NET_READ_ERROR', 'ER_NET_READ_INTERRUPTED', 'ER_NET_ERROR_ON_WRITE', 'ER_NET_WRITE_INTERRUPTED', 'ER_NET_PACKETS_OUT_OF_ORDER', 'ER_OUT_OF_RESOURCES',
  'ER_OUTOFMEMORY', 'ER_OUT_OF_SORTMEMORY', 'ER_DISK_FULL', 'ER_RECORD_FILE_FULL', 'ER_READ_ONLY_MODE', 'ER_OPTION_PREVENTS_STATEMENT',
  'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 'ER_LOCK_ABORTED', 'ER_LOCKING_SERVICE_TIMEOUT',
]);

/**
 * MySQL errors of a refused value: too long for its column or for a packet, out of range, not
 * valid for its type or charset, a row too big. (ER_NET_PACKET_TOO_LARGE carries the connection
 * class 08S01, but a smaller batch, or no entry at all, is what fixes it.)
 */
const MYSQL_ENTRY = new Set([
  'ER_NET_PACKET_TOO_LARGE', 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', 'ER_TRUNCATED_WRONG_VALUE', 'ER_INVALID_JSON_TEXT', 'ER_INVALID_JSON_TEXT_IN_PARAM',
  'ER_TOO_BIG_ROWSIZE', 'ER_CONSTRAINT_FAILED', 'ER_CHECK_CONSTRAINT_VIOLATED', 'ER_WARN_DATA_OUT_OF_RANGE', 'ER_DATA_TOO_LONG', 'ER_BAD_NULL_ERROR',
]);

/**
 * Whether a MySQL driver error (mysql2 errors carry `sqlState`) is the server being unavailable
 * (true) or the data being refused (false); undefined for other errors, which the dispatcher
 * classifies by their codes (src/dispatch/failures.ts). SQLSTATE classes as for PostgreSQL: 08
 * connection and 40 rollback are transient, 22 data and 23 integrity are the entry's.
 */
export function mysqlTransience(error: unknown): boolean | undefined {
  for (const item of causeChain(error)) {
    const { code, sqlState } = (item ?? {}) as { code?: unknown; sqlState?: unknown };
    if (typeof code === 'string' && MYSQL_ENTRY.has(code)) return false;
    if (typeof code === 'string' && MYSQL_TRANSIENT.has(code)) return true;
    if (typeof sqlState !== 'string') continue;
    if (['08', '40', '70'].includes(sqlState.slice(0, 2))) return true;
    if (['22', '23'].includes(sqlState.slice(0, 2))) return false;
  }
  return undefined;
}

/**
 * Wraps a driver error as a `ProviderError` with the provider's label and the root cause in one
 * line: never the password, never the statement's parameters (which hold logged content).
 * MySQL's errors are classified here, where their codes are known (`mysqlTransience`).
 */
export function databaseFailure(what: string, where: string, config: ConnectionConfig, label: string) {
  return (error: unknown): never => {
    if (error instanceof ProviderError) throw error;
    const transient = mysqlTransience(error);
    throw new ProviderError(`${what} failed on ${where}: ${describeDatabaseFailure(error, config)}`, label, {
      cause: driverCause(error),
      ...(transient === undefined ? {} : { transient }),
    });
  };
}
