import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHistorian } from '../../src/index.js';
import { CLI } from '../cli/run.js';

const run = promisify(execFile);

const message = (id: string, content: string, second: number) =>
  ({ type: 'message', id, conversation_id: 'c', role: 'user', content, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString() }) as const;

/** More rows than one batch of the index build (5,000), so an existing store is filled in several. */
const ROWS = 12_000;

/** Logs ROWS messages, each with a word of its own (`word<i>x`), and closes. */
async function logMessages(url: string): Promise<void> {
  const historian = await createHistorian({ providers: [{ type: 'sql', url }] }, { batchSize: 5_000 });
  for (let i = 0; i < ROWS; i++) {
    historian.log({ type: 'message', id: `m${i}`, conversation_id: `c${i % 100}`, role: 'user', content: `Message Word${i}X here`, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString() });
  }
  await historian.close();
}

/** What a store made before the search index looks like: no index, no triggers, schema version 3. */
function dropSearchIndex(path: string): void {
  const db = new Database(path);
  db.exec(`DROP TRIGGER messages_search_update; DROP TRIGGER messages_search_delete; DROP TRIGGER messages_search_reuse; DROP TABLE messages_search;
    DELETE FROM historian_meta WHERE key = 'search_indexed_to'; UPDATE historian_meta SET value = '3' WHERE key = 'schema_version';`);
  db.close();
}

function inDatabase<T>(path: string, query: string): T {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(query).get() as T;
  } finally {
    db.close();
  }
}

describe('the SQLite search index', () => {
  let dir: string;
  let path: string;
  let url: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'historian-search-'));
    path = join(dir, 'h.db');
    url = `sqlite:///${path}`;
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is what a query of 3 or more characters is looked up in; a shorter one scans', async () => {
    const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
    historian.log({ type: 'message', id: 'a', conversation_id: 'c', role: 'user', content: 'Zebra crossing', timestamp: '2026-01-01T00:00:00.000Z' });
    historian.log({ type: 'message', id: 'b', conversation_id: 'c', role: 'user', content: 'zebra again', timestamp: '2026-01-01T00:00:01.000Z' });
    await historian.flush();
    const found = async (needle: string) => (await historian.history().messages({ contains: needle })).map((m) => m.id);
    expect(await found('ZEBRA')).toEqual(['a', 'b']);
    // Taking a message out of the index behind historian's back hides it from indexed lookups only.
    const db = new Database(path);
    db.exec("DELETE FROM messages_search WHERE rowid = (SELECT rowid FROM messages WHERE id = 'a')");
    db.close();
    expect(await found('ZEBRA')).toEqual(['b']);
    expect(await found('ze')).toEqual(['a', 'b']);
    await historian.close();
  });

  it('finds messages another SQLite client inserted, and indexes them with the next batch', async () => {
    const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
    historian.log(message('a', 'first needle', 0));
    await historian.flush();
    const db = new Database(path);
    db.exec("INSERT INTO messages (id, conversation_id, timestamp, role, content) VALUES ('x', 'c', '2026-01-01T00:00:01.000Z', 'user', 'outside NEEDLE')");
    db.close();
    const found = async () => (await historian.history().messages({ contains: 'needle' })).map((m) => m.id);
    expect(await found()).toEqual(['a', 'x']);
    historian.log(message('b', 'last needle', 2));
    await historian.flush();
    expect(await found()).toEqual(['a', 'x', 'b']);
    expect(inDatabase(path, "SELECT count(*) AS n FROM messages_search WHERE messages_search MATCH 'eed'")).toEqual({ n: 3 });
    await historian.close();
  });

  it('follows deletes and a hard reset', async () => {
    const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
    historian.log({ type: 'message', id: 'a', conversation_id: 'c', role: 'user', content: 'needle one', name: 'gone', timestamp: '2026-01-01T00:00:00.000Z' });
    historian.log({ type: 'message', id: 'b', conversation_id: 'd', role: 'user', content: 'needle two', name: 'kept', timestamp: '2026-01-01T00:00:01.000Z' });
    await historian.flush();
    await historian.history().reset({ agent: 'gone' });
    expect(inDatabase(path, "SELECT count(*) AS n FROM messages_search WHERE messages_search MATCH 'eed'")).toEqual({ n: 1 });
    await historian.history().reset({ hard: true });
    historian.log({ type: 'message', id: 'c', conversation_id: 'e', role: 'user', content: 'needle three', timestamp: '2026-01-01T00:00:02.000Z' });
    await historian.flush();
    expect((await historian.history().messages({ contains: 'NEEDLE' })).map((m) => m.id)).toEqual(['c']);
    await historian.close();
  });

  it('indexes bulk writes in a follower thread once they pause; searches are exact while it is behind', { timeout: 60_000 }, async () => {
    // Enough that indexing them takes the follower a few hundred ms: the lock below comes first.
    const bulk = 50_000;
    const historian = await createHistorian({ providers: [{ type: 'sql', url }] }, { batchSize: 5_000 });
    for (let i = 0; i < bulk; i++) historian.log({ type: 'message', id: `m${i}`, conversation_id: `c${i % 100}`, role: 'user', content: `Message Word${i}X here` });
    await historian.flush();
    // Another client takes the write lock at once, before the follower's quiet time is over: the index stays behind.
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const reached = () => Number(inDatabase<{ value: string }>(path, "SELECT value FROM historian_meta WHERE key = 'search_indexed_to'").value);
    expect(reached()).toBeLessThan(bulk);
    const found = async (needle: string) => (await historian.history().messages({ contains: needle })).map((m) => m.id);
    expect(await found('word49999x')).toEqual(['m49999']);
    expect(await found('WORD5X')).toEqual(['m5']);
    other.exec('ROLLBACK');
    other.close();
    // With no more writes and no close, the follower catches up on its own.
    await vi.waitFor(() => expect(reached()).toBe(bulk), { timeout: 20_000, interval: 50 });
    expect(inDatabase(path, "SELECT count(*) AS n FROM messages_search WHERE messages_search MATCH '\"x h\"'")).toEqual({ n: bulk });
    await historian.close();
  });

  it('finds messages stored in bulk after the last ones were deleted, whose rowids they take again', { timeout: 60_000 }, async () => {
    await logMessages(url);
    // Another client deletes the newest messages: the next ones stored take their rowids again.
    const db = new Database(path);
    db.exec(`DELETE FROM messages WHERE rowid > ${ROWS - 3_000}`);
    db.close();
    const historian = await createHistorian({ providers: [{ type: 'sql', url }] }, { batchSize: 5_000 });
    for (let i = 0; i < 2_000; i++) historian.log({ type: 'message', id: `n${i}`, conversation_id: 'new', role: 'user', content: `Fresh Token${i}Z` });
    await historian.flush();
    expect((await historian.history().messages({ contains: 'token1234z' })).map((m) => m.id)).toEqual(['n1234']);
    await historian.close();
    const reader = await createHistorian({ providers: [{ type: 'sql', url, auto_migration: false }] });
    expect((await reader.history().messages({ contains: 'token1999z' })).map((m) => m.id)).toEqual(['n1999']);
    expect((await reader.history().messages({ contains: `word${ROWS - 1}x` })).map((m) => m.id)).toEqual([]);
    await reader.close();
    expect(inDatabase(path, "SELECT value FROM historian_meta WHERE key = 'search_indexed_to'")).toEqual({ value: String(ROWS - 1_000) });
  });

  it('finds messages another client inserts after deleting the newest ones, in rowids the index had passed', async () => {
    const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
    for (const [i, id] of ['a', 'b', 'c'].entries()) historian.log(message(id, `old ${id}`, i));
    await historian.flush();
    const db = new Database(path);
    db.exec("DELETE FROM messages WHERE id IN ('b', 'c')");
    db.exec("INSERT INTO messages (id, conversation_id, timestamp, role, content) VALUES ('x', 'c', '2026-01-01T00:00:05.000Z', 'user', 'fresh needle'), ('y', 'c', '2026-01-01T00:00:06.000Z', 'user', 'another needle')");
    expect(db.prepare("SELECT rowid FROM messages WHERE id = 'y'").pluck().get()).toBe(3);
    db.close();
    const found = async () => (await historian.history().messages({ contains: 'needle' })).map((m) => m.id);
    expect(await found()).toEqual(['x', 'y']);
    historian.log(message('z', 'last needle', 9));
    await historian.flush();
    expect(await found()).toEqual(['x', 'y', 'z']);
    expect(inDatabase(path, "SELECT count(*) AS n FROM messages_search WHERE messages_search MATCH 'eed'")).toEqual({ n: 3 });
    await historian.close();
  });

  it('gets the trigger that keeps reused rowids in the scan when a store made before it is opened', async () => {
    const first = await createHistorian({ providers: [{ type: 'sql', url }] });
    for (const [i, id] of ['a', 'b'].entries()) first.log(message(id, `old ${id}`, i));
    await first.close();
    const db = new Database(path);
    db.exec('DROP TRIGGER messages_search_reuse');
    db.exec("DELETE FROM messages WHERE id = 'b'");
    db.close();
    // Opening adds it, and lowers a watermark left above the newest message.
    await (await createHistorian({ providers: [{ type: 'sql', url }] })).close();
    expect(inDatabase(path, "SELECT count(*) AS n FROM sqlite_master WHERE name = 'messages_search_reuse'")).toEqual({ n: 1 });
    expect(inDatabase(path, "SELECT value FROM historian_meta WHERE key = 'search_indexed_to'")).toEqual({ value: '1' });
  });

  it('lets a process that logged in bulk end without closing; the next open finishes the index', { timeout: 60_000 }, async () => {
    const script = join(dir, 'bulk.mjs');
    writeFileSync(
      script,
      `import { createHistorian } from ${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)};
const historian = await createHistorian({ providers: [{ type: 'sql', url: ${JSON.stringify(url)} }] }, { batchSize: 5_000 });
for (let i = 0; i < ${ROWS}; i++) historian.log({ type: 'message', conversation_id: 'c', role: 'user', content: 'Message Word' + i + 'X here' });
await historian.flush();
`,
    );
    await run(process.execPath, [script], { timeout: 30_000 });
    const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
    expect((await historian.history().messages({ contains: 'word11999x' })).map((m) => m.content)).toEqual(['Message Word11999X here']);
    await historian.close();
    expect(inDatabase(path, "SELECT count(*) AS n FROM messages_search WHERE messages_search MATCH '\"x h\"'")).toEqual({ n: ROWS });
  });

  it('is built on open for a store made without it, in batches, reporting progress', { timeout: 60_000 }, async () => {
    await logMessages(url);
    dropSearchIndex(path);
    const reports: [number, number][] = [];
    const historian = await createHistorian({ providers: [{ type: 'sql', url }] }, { onProgress: (_task, done, total) => reports.push([done, total]) });
    expect(reports.length).toBeGreaterThan(2);
    expect(reports.at(-1)).toEqual([ROWS, ROWS]);
    expect((await historian.history().messages({ contains: 'word11999x' })).map((m) => m.id)).toEqual(['m11999']);
    await historian.close();
    expect(inDatabase(path, "SELECT count(*) AS n FROM messages_search WHERE messages_search MATCH '\"x h\"'")).toEqual({ n: ROWS });
    expect(inDatabase(path, "SELECT value FROM historian_meta WHERE key = 'schema_version'")).toEqual({ value: '4' });
  });

  it('half built, is read up to where it reaches and the rest scanned; a later open finishes it', { timeout: 60_000 }, async () => {
    await logMessages(url);
    const db = new Database(path);
    // As a build that stopped after its first batch leaves it.
    db.exec("DELETE FROM messages_search WHERE rowid > 5000; UPDATE historian_meta SET value = '5000' WHERE key = 'search_indexed_to';");
    db.close();
    const reader = await createHistorian({ providers: [{ type: 'sql', url, auto_migration: false }] });
    expect((await reader.history().messages({ contains: 'word11999x' })).map((m) => m.id)).toEqual(['m11999']);
    await reader.close();
    const writer = await createHistorian({ providers: [{ type: 'sql', url }] });
    await writer.close();
    expect(inDatabase(path, "SELECT value FROM historian_meta WHERE key = 'search_indexed_to'")).toEqual({ value: String(ROWS) });
    expect(inDatabase(path, "SELECT count(*) AS n FROM messages_search WHERE messages_search MATCH '\"x h\"'")).toEqual({ n: ROWS });
  });

  it('`historian migrate` builds it for a store made without it, and `history show --query` finds old messages', { timeout: 60_000 }, async () => {
    await logMessages(url);
    dropSearchIndex(path);
    const manifest = join(dir, 'agents.yml');
    writeFileSync(manifest, 'storage:\n  providers:\n    - type: sql\n      url: "sqlite:///h.db"\n      auto_migration: false\n');
    const printed = await run(process.execPath, [CLI, 'migrate', '--print-sql', '-c', manifest], { cwd: dir });
    expect(printed.stdout).toContain('adds search index messages_search');
    expect(printed.stdout).toContain("USING fts5(body, tokenize='trigram case_sensitive 1'");
    const migrated = await run(process.execPath, [CLI, 'migrate', '-c', manifest], { cwd: dir });
    expect(migrated.stdout).toContain('added search index messages_search');
    const { stdout } = await run(process.execPath, [CLI, 'history', 'show', '--query', 'WORD4242x', '--format', 'json', '-c', manifest], { cwd: dir });
    expect((JSON.parse(stdout) as { messages: { id: string }[] }[]).flatMap((c) => c.messages.map((m) => m.id))).toEqual(['m4242']);
    expect(inDatabase(path, "SELECT count(*) AS n FROM messages_search WHERE messages_search MATCH '\"x h\"'")).toEqual({ n: ROWS });
  });
});
