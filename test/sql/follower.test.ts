import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHistorian } from '../../src/index.js';
import { follower } from '../../src/providers/sql/sqlite/follower.js';
import { FOLLOW_SQL } from '../../src/providers/sql/sqlite/search.js';
import { turnsMemory } from '../../src/providers/sql/sqlite/write-turns.js';

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

  const options = (sql = FOLLOW_SQL, onError = (_error: Error) => {}) => ({ path, timeout: 1_000, memory: turnsMemory(), chunkRows: 2, lagRows: 100, sql, onError });
  const indexed = () => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare("SELECT (SELECT value FROM historian_meta WHERE key = 'search_indexed_to') AS reached, (SELECT count(*) FROM messages_search WHERE messages_search MATCH 'eed') AS rows").get();
    } finally {
      db.close();
    }
  };

  it('indexes what is after the watermark, a chunk per transaction, and close waits for it', async () => {
    const thread = follower(options());
    expect(thread.wake()).toBe(true);
    await thread.close();
    expect(indexed()).toEqual({ reached: '3', rows: 3 });
  });

  it('reports its failure once, then takes no more work, and still closes', async () => {
    const errors: Error[] = [];
    const thread = follower(options({ ...FOLLOW_SQL, fill: 'INSERT INTO nowhere SELECT 1' }, (error) => errors.push(error)));
    expect(thread.wake()).toBe(true);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]!.message).toContain('no such table: nowhere');
    expect(thread.wake()).toBe(false);
    await thread.close();
    expect(indexed()).toEqual({ reached: '0', rows: 0 });
  });
});
