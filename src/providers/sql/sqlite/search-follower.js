// @ts-check
// The search index's follower: a worker thread with its own connection to a SQLite file that
// indexes, a chunk per transaction, the messages stored after the index's watermark (see
// search.ts), so the trigram index costs the thread that logs nothing but a message. It takes
// the write lock in turns with that thread (write-turns.js), and on 'close' catches up, closes
// its connection and ends; on a failure it posts `{ failed: message }` and ends. Plain JavaScript: worker threads load it without a TypeScript step.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { followerTurns } from './write-turns.js';

/**
 * @typedef {object} FollowerData
 * @property {string} path The SQLite file.
 * @property {number} timeout Busy timeout for other processes' locks, in ms.
 * @property {SharedArrayBuffer} memory The turns at the write lock (write-turns.js).
 * @property {number} chunkRows Messages indexed per transaction.
 * @property {number} lagRows How far behind the index may fall while the logging thread writes.
 * @property {{ reached: string, last: string, fill: string, mark: string }} sql The index's statements (search.ts).
 */

const { path, timeout, memory, chunkRows, lagRows, sql } = /** @type {FollowerData} */ (workerData);
const turns = followerTurns(memory);

/**
 * @typedef {object} Connection
 * @property {import('better-sqlite3').Database} db
 * @property {import('better-sqlite3').Statement} reached
 * @property {import('better-sqlite3').Statement} last
 * @property {import('better-sqlite3').Statement} fill
 * @property {import('better-sqlite3').Statement} mark
 */

/**
 * The connection and its statements, opened at the first message so that a failure is posted like any other.
 * @returns {Connection}
 */
function open() {
  const db = new Database(path, { timeout });
  // The same folding as the logging connection's (connect.ts): the index holds folded content.
  db.function('historian_lower', { deterministic: true }, (value) => (typeof value === 'string' ? value.toLowerCase() : value));
  return { db, reached: db.prepare(sql.reached).pluck(), last: db.prepare(sql.last).pluck(), fill: db.prepare(sql.fill), mark: db.prepare(sql.mark) };
}

/**
 * How many messages are not indexed yet.
 * @param {Connection} connection
 */
function behind({ reached, last }) {
  return /** @type {number} */ (last.get()) - /** @type {number} */ (reached.get() ?? 0);
}

/**
 * Indexes the next `rows` messages after the watermark, up to `until`; returns how many remain up to it.
 * @param {Connection} connection
 * @param {number} rows
 * @param {number} until
 */
function chunk({ reached, last, fill, mark }, rows, until) {
  const from = /** @type {number | undefined} */ (reached.get());
  const end = Math.min(/** @type {number} */ (last.get()), until);
  if (from === undefined || from >= end) return 0;
  const to = Math.min(from + rows, end);
  fill.run(from, to);
  mark.run(to);
  return end - to;
}

/**
 * One chunk in one transaction, in its turn at the lock; returns how many messages remain up to
 * `until`. Urgent when more than `lagRows` are behind: then it indexes enough to come back within
 * them, up to two chunks, which keeps up with write batches of up to that size.
 * @param {Connection} connection
 * @param {number} until
 */
function step(connection, until) {
  const { db } = connection;
  if (behind(connection) <= 0) return 0;
  try {
    turns.take(() => behind(connection) > lagRows);
    const late = behind(connection) - lagRows;
    db.exec('BEGIN IMMEDIATE');
    try {
      const remaining = chunk(connection, late > 0 ? Math.min(late + chunkRows, 2 * chunkRows) : chunkRows, until);
      db.exec('COMMIT');
      return remaining;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  } finally {
    turns.give();
  }
}

/** @type {Connection | undefined} */
let connection;

// 'wake': index what is behind. 'close': index what was stored when it came (not what other
// processes store after it), then end.
/**
 * Indexes up to `until`. Another process that keeps the write lock past the busy timeout (a
 * long migration) is waited out, a second at a time.
 * @param {Connection} connection
 * @param {number} until
 */
function catchUp(connection, until) {
  for (;;) {
    try {
      while (step(connection, until) > 0);
      return;
    } catch (error) {
      if (/** @type {{ code?: string }} */ (error).code !== 'SQLITE_BUSY') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
    }
  }
}

parentPort?.on('message', (message) => {
  try {
    connection ??= open();
    catchUp(connection, message === 'close' ? /** @type {number} */ (connection.last.get()) : Infinity);
  } catch (error) {
    // An error object crosses to the parent thread without its message: the message goes as text.
    parentPort?.postMessage({ failed: error instanceof Error ? error.message : String(error) });
    message = 'close';
  }
  if (message !== 'close') return;
  connection?.db.close();
  parentPort?.close();
});
