import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHistorian } from '../../src/index.js';
import { follower } from '../../src/providers/sql/sqlite/follower.js';
import { FOLLOW_SQL } from '../../src/providers/sql/sqlite/search.js';
import { endWriterTurn, turnsMemory, writerTurn } from '../../src/providers/sql/sqlite/write-turns.js';

describe("the SQLite search index's follower thread", () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'historian-follower-'));
    path = join(dir, 'h.db');
    const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
    for (let i = 0; i < 3; i++) historian.log({ type: 'message', conversation_id: 'c', role: 'user', content: `needle ${i}` });
    await historian.close();
    const db = new Database(path);
    db.exec("DELETE FROM messages_search; UPDATE historian_meta SET value = '0' WHERE key = 'search_indexed_to'");
    db.close();
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const position = () => {
    const db = new Database(path, { readonly: true });
    try {
      const reached = Number(db.prepare("SELECT value FROM historian_meta WHERE key = 'search_indexed_to'").pluck().get());
      return { reached, last: db.prepare('SELECT max(rowid) FROM messages').pluck().get() as number };
    } finally {
      db.close();
    }
  };
  const options = (sql = FOLLOW_SQL, onError = (_error: Error) => {}) => ({ path, timeout: 1_000, memory: turnsMemory(), chunkRows: 2, lagRows: 100, sql, onError, position });
  const indexed = () => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare("SELECT (SELECT value FROM historian_meta WHERE key = 'search_indexed_to') AS reached, (SELECT count(*) FROM messages_search WHERE messages_search MATCH 'eed') AS rows").get();
    } finally {
      db.close();
    }
  };

  it('wakes once the transaction that asked commits, indexes what is after the watermark, a chunk per transaction, and close waits for it', async () => {
    const rolledBack = follower(options());
    expect(rolledBack.wake()).toBe(true);
    await rolledBack.close();
    expect(indexed()).toEqual({ reached: '0', rows: 0 });
    const thread = follower(options());
    expect(thread.wake()).toBe(true);
    thread.committed();
    await thread.close();
    expect(indexed()).toEqual({ reached: '3', rows: 3 });
  });

  it('reports how a close catches up when the index is behind, and nothing when it is not', async () => {
    const db = new Database(path);
    const insert = db.prepare("INSERT INTO messages (id, conversation_id, timestamp, role, content) VALUES (?, 'c', '2026-01-01T00:00:00.000Z', 'user', 'needle')");
    for (let i = 0; i < 250; i++) insert.run(`n${i}`);
    // Another client holds the write lock: the thread cannot index before the close.
    db.exec('BEGIN IMMEDIATE');
    const reports: [number, number][] = [];
    const thread = follower({ ...options(), chunkRows: 100, onProgress: (done, total) => reports.push([done, total]) });
    thread.wake();
    thread.committed();
    const closed = thread.close();
    await new Promise((done) => setTimeout(done, 300));
    db.exec('ROLLBACK');
    db.close();
    await closed;
    expect(reports[0]).toEqual([0, 253]);
    expect(reports.at(-1)).toEqual([253, 253]);
    const quiet: [number, number][] = [];
    const again = follower({ ...options(), onProgress: (done, total) => quiet.push([done, total]) });
    again.wake();
    again.committed();
    await again.close();
    expect(quiet).toEqual([]);
  });

  it('reports a failure once, rolled back and with its message, then takes no more work, and still closes', async () => {
    const errors: Error[] = [];
    // Prepares, then fails while it runs, inside the chunk's transaction.
    const failing = `${FOLLOW_SQL.fill} AND abs(-9223372036854775807 - 1) > 0`;
    const memory = turnsMemory();
    const thread = follower({ ...options({ ...FOLLOW_SQL, fill: failing }, (error) => errors.push(error)), memory });
    expect(thread.wake()).toBe(true);
    thread.committed();
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 10_000 });
    expect(errors[0]!.message).toBe('integer overflow');
    expect(thread.wake()).toBe(false);
    await thread.close();
    expect(indexed()).toEqual({ reached: '0', rows: 0 });
    // The lock was given back: the logging thread gets its turn at once.
    await writerTurn(memory);
    endWriterTurn(memory);
  });

  it('does not let the index fall more than about its lag behind a writer that never pauses', { timeout: 60_000 }, async () => {
    const memory = turnsMemory();
    const thread = follower({ ...options(), memory, chunkRows: 400, lagRows: 1_000 });
    const db = new Database(path);
    const insert = db.prepare("INSERT INTO messages (id, conversation_id, timestamp, role, content) VALUES (?, 'c', '2026-01-01T00:00:00.000Z', 'user', 'needle')");
    const lag = db.prepare("SELECT (SELECT max(rowid) FROM messages) - CAST(value AS INTEGER) FROM historian_meta WHERE key = 'search_indexed_to'").pluck();
    // Started, and caught up with the 3 messages before: its start-up is not what is measured.
    thread.wake();
    thread.committed();
    await vi.waitFor(() => expect(indexed()).toEqual({ reached: '3', rows: 3 }), { timeout: 10_000, interval: 20 });
    const lags: number[] = [];
    for (let turn = 0; turn < 100; turn++) {
      await writerTurn(memory);
      db.transaction(() => {
        for (let i = 0; i < 500; i++) insert.run(`w${turn}-${i}`);
      })();
      endWriterTurn(memory);
      thread.wake();
      thread.committed();
      if (turn >= 50) lags.push(lag.get() as number);
    }
    db.close();
    await thread.close();
    // Urgent past 1,000 behind, it asks for a turn between two writes of 500 and indexes what it is
    // late by (up to two chunks); a write or two may pass before its ask lands, more while the
    // machine leaves its thread no core. Not urgent, it would wait for a pause that never comes:
    // 25,000 behind and more.
    const median = lags.sort((a, b) => a - b)[lags.length / 2]!;
    expect(median).toBeLessThanOrEqual(3_000);
    expect(indexed()).toEqual({ reached: '50003', rows: 50_003 });
  });
});
