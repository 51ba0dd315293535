// @ts-check
// The search index's follower: a worker thread with its own connection to a SQLite file that
// indexes, a chunk per transaction, the messages stored after the index's watermark (see
// search.ts), so the trigram index costs the thread that logs nothing but a message. It takes
// the write lock in turns with that thread (write-turns.js), and on 'close' catches up, closes
// its connection and ends. Plain JavaScript: worker threads load it without a TypeScript step.
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
const db = new Database(path, { timeout });
// The same folding as the logging connection's (connect.ts): the index holds folded content.
db.function('historian_lower', { deterministic: true }, (value) => (typeof value === 'string' ? value.toLowerCase() : value));
const reached = db.prepare(sql.reached).pluck();
const last = db.prepare(sql.last).pluck();
const fill = db.prepare(sql.fill);
const mark = db.prepare(sql.mark);
const turns = followerTurns(memory);

/** Indexes the next chunk after the watermark; returns how many messages remain after it. */
function chunk() {
  const from = /** @type {number | undefined} */ (reached.get());
  const end = /** @type {number} */ (last.get());
  if (from === undefined || from >= end) return 0;
  const to = Math.min(from + chunkRows, end);
  fill.run(from, to);
  mark.run(to);
  return end - to;
}

/** One chunk in one transaction, in its turn at the lock (urgent when far behind); returns how many messages remain. */
function step() {
  const behind = /** @type {number} */ (last.get()) - /** @type {number} */ (reached.get() ?? 0);
  turns.take(behind > lagRows);
  try {
    db.exec('BEGIN IMMEDIATE');
    try {
      const remaining = chunk();
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

parentPort?.on('message', (message) => {
  while (step() > 0);
  if (message !== 'close') return;
  db.close();
  parentPort?.close();
});
