import { causeChain } from '../core/errors.js';

/**
 * What a failed write says about the entries in it:
 * - `transient`: the store is unavailable (connection, lock, full disk); the same write can
 *   succeed later, so the whole batch is kept and retried;
 * - `entry`: the store refused the data itself (a PostgreSQL data exception, a value too big);
 *   retrying cannot help, so the entry that fails alone is set aside;
 * - `unknown`: neither is known; the batch is split to see whether one entry is to blame.
 */
export type FailureKind = 'transient' | 'entry' | 'unknown';

/** Node and libuv error codes of an unavailable resource: files, sockets, name lookups. */
const TRANSIENT_ERRNO = new Set([
  'ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'ENOMEM', 'EACCES', 'EPERM', 'EROFS',
  'ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ELOOP', 'ETXTBSY', 'ESTALE', 'ELOCKED', 'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE',
  'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'EADDRNOTAVAIL',
]);

/** SQLite primary result codes (better-sqlite3 reports extended ones, e.g. SQLITE_IOERR_WRITE). */
const SQLITE_TRANSIENT = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_NOMEM', 'SQLITE_PROTOCOL', 'SQLITE_INTERRUPT'];
const SQLITE_ENTRY = ['SQLITE_TOOBIG', 'SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', 'SQLITE_RANGE'];

/**
 * PostgreSQL SQLSTATE classes: 08 connection, 40 rollback (deadlock, serialization), 53
 * resources, 55 lock not available, 57 operator intervention (shutdown, statement timeout),
 * 58 system error; 22 data exception (NUL, bad encoding), 23 a refused row (check, not-null)
 * and 54 limits (too deep) are the data's.
 */
const PG_TRANSIENT_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);
const PG_ENTRY_CLASSES = new Set(['22', '23', '54']);

/** Messages of `pg` for a lost or timed-out connection, which carry no code. */
const PG_CONNECTION_LOST = /connection terminated|not queryable|timeout exceeded when trying to connect|query read timeout|connection timeout/i;

function kindOf(error: unknown): FailureKind {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const { transient, code } = error as { transient?: unknown; code?: unknown };
  if (transient === true) return 'transient';
  if (transient === false) return 'entry';
  if (typeof code === 'string') {
    if (TRANSIENT_ERRNO.has(code)) return 'transient';
    if (SQLITE_TRANSIENT.some((prefix) => code.startsWith(prefix))) return 'transient';
    if (SQLITE_ENTRY.some((prefix) => code.startsWith(prefix))) return 'entry';
    if (/^[0-9A-Z]{5}$/.test(code)) {
      if (PG_TRANSIENT_CLASSES.has(code.slice(0, 2))) return 'transient';
      if (PG_ENTRY_CLASSES.has(code.slice(0, 2))) return 'entry';
    }
  }
  if (error instanceof Error && PG_CONNECTION_LOST.test(error.message)) return 'transient';
  return 'unknown';
}

/** Classifies a failed write by the first error of its cause chain that says anything. */
export function failureKind(error: unknown): FailureKind {
  for (const item of causeChain(error)) {
    const kind = kindOf(item);
    if (kind !== 'unknown') return kind;
  }
  return 'unknown';
}
