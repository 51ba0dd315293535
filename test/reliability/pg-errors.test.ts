import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { inspect } from 'node:util';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistorian, resolveStorage, type ProviderError, type StorageInput } from '../../src/index.js';
import { runCli } from '../cli/run.js';
import { freshPgSchema } from '../contract/pg-schema.js';
import { freePort, ThrowawayPostgres, throwawayUnavailable } from './throwaway-pg.js';

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A manifest file whose one provider is the sql database at `url`. */
function manifestFor(url: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'historian-pg-errors-'));
  folders.push(dir);
  const path = join(dir, 'agents.yml');
  writeFileSync(path, `storage:\n  providers:\n    - type: sql\n      url: "${url}"\n`);
  return path;
}

/** One line naming what failed and why, no stack trace, no driver wrapper. */
function expectOneLine(stderr: string, cause: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(cause);
  expect(stderr).not.toMatch(/Failed query|unexpected error|\n\s+at /);
}

describe('a PostgreSQL server that accepts connections and never answers', () => {
  let server: Server;
  let port: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    port = await freePort();
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  });
  afterAll(() => {
    sockets.forEach((socket) => socket.destroy());
    server.close();
  });

  it('makes reading and ingesting fail after the default connect timeout, naming the host', async () => {
    const manifest = manifestFor(`postgresql://u@127.0.0.1:${port}/db`);
    const started = Date.now();
    const [show, ingest] = await Promise.all([
      runCli(['history', 'show', '-c', manifest]),
      runCli(['ingest', '-', '-c', manifest], { input: '{"type":"message","conversation_id":"c","role":"user","content":"hi"}\n' }),
    ]);
    expect(Date.now() - started).toBeLessThan(20_000);
    for (const result of [show, ingest]) {
      expect(result.code).toBe(1);
      expectOneLine(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port}.*no answer within 10000 ms \\(connect_timeout_ms\\)`));
    }
  }, 60_000);

  it('honours connect_timeout_ms from the manifest', async () => {
    const manifest = manifestFor(`postgresql://u@127.0.0.1:${port}/db`);
    writeFileSync(manifest, `${(await import('node:fs')).readFileSync(manifest, 'utf8')}      connect_timeout_ms: 500\n`);
    const result = await runCli(['history', 'show', '-c', manifest]);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /no answer within 500 ms \(connect_timeout_ms\)/);
  }, 30_000);
});

describe('errors of an unreachable or refusing database', () => {
  it('show the refused connection in one line, for reading and for migrate', async () => {
    const port = await freePort();
    const manifest = manifestFor(`postgresql://u:hunter2@127.0.0.1:${port}/db`);
    for (const args of [['history', 'show'], ['migrate']]) {
      const result = await runCli([...args, '-c', manifest]);
      expect(result.code).toBe(1);
      expectOneLine(result.stderr, new RegExp(`cannot open postgresql://u:\\*\\*\\*@127\\.0\\.0\\.1:${port}/db: connect ECONNREFUSED`));
      expect(result.stderr).not.toContain('hunter2');
    }
  }, 30_000);

  const unavailable = throwawayUnavailable();
  it.skipIf(unavailable !== null)('show a wrong password as the server said it, with its SQLSTATE', async () => {
    const server = await ThrowawayPostgres.create({ password: 'right-password' });
    try {
      const manifest = manifestFor(`postgresql://postgres:wrong-password@127.0.0.1:${server.port}/postgres`);
      const result = await runCli(['history', 'show', '-c', manifest]);
      expect(result.code).toBe(1);
      expectOneLine(result.stderr, /password authentication failed for user "postgres" \(28P01\)/);
      expect(result.stderr).not.toContain('wrong-password');
    } finally {
      server.destroy();
    }
  }, 60_000);
});

/** Logs 200 entries and one the store refuses (a CHECK constraint); returns every reported error. */
async function refusedWrite(input: StorageInput, addCheck: (sql: string) => Promise<void>): Promise<ProviderError[]> {
  const errors: ProviderError[] = [];
  // A server's dead-letter file lands in the manifest's folder: here a temporary one.
  const baseDir = mkdtempSync(join(tmpdir(), 'historian-pg-errors-'));
  folders.push(baseDir);
  const storage = resolveStorage(input, { baseDir });
  const opened = await createHistorian(storage);
  await opened.close();
  await addCheck(`ALTER TABLE messages ADD CONSTRAINT no_poison CHECK (content <> 'poison')`);
  const historian = await createHistorian(storage, { onError: (e) => errors.push(e), retryDelay: 1 });
  for (let i = 0; i < 200; i++) historian.logMessage({ conversation_id: 'c', role: 'user', content: `secret content number ${i} `.repeat(10) });
  historian.logMessage({ conversation_id: 'c', role: 'user', content: 'poison' });
  await historian.flush();
  expect(await historian.history().messages({ limit: 1000 })).toHaveLength(200);
  await historian.close();
  return errors;
}

function expectNoContent(errors: ProviderError[]): void {
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error.message).toMatch(/violates check constraint "no_poison" \(23514\)/);
    expect(error.message).not.toMatch(/secret content|Failed query|params:/);
    // Nor its causes, which console.warn(error) or a logger's error serialiser would print.
    expect(inspect(error, { depth: 10 })).not.toMatch(/secret content|Failed query|params:|Failing row/);
    expect(error.message.length).toBeLessThan(400);
  }
}

describe('a PostgreSQL write error', () => {
  it('names the root cause and never the parameters (PGlite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'historian-pg-errors-'));
    folders.push(dir);
    const storage = { providers: [{ type: 'sql' as const, url: `pglite:///${join(dir, 'db')}` }] };
    const errors = await refusedWrite(storage, async (sql) => {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = new PGlite(join(dir, 'db'));
      await db.exec(sql);
      await db.close();
    });
    expectNoContent(errors);
  }, 60_000);

  const url = process.env.HISTORIAN_TEST_PG_URL;
  it.skipIf(!url)('names the root cause and never the parameters (PostgreSQL server)', async () => {
    const schema = await freshPgSchema(url!);
    try {
      const errors = await refusedWrite({ providers: [{ type: 'sql', url: schema.url }] }, async (sql) => {
        const client = new pg.Client({ connectionString: schema.url });
        await client.connect();
        await client.query(sql).finally(() => client.end());
      });
      expectNoContent(errors);
    } finally {
      await schema.drop();
    }
  }, 60_000);
});

describe('a PostgreSQL server that stops answering once the logger is open', () => {
  const url = process.env.HISTORIAN_TEST_PG_URL;
  // A proxy in front of the test server that, once frozen, passes nothing on either way: the
  // connection stays open and silent, as with a hung server or a dropped route. The shared
  // server itself is never touched.
  it.skipIf(!url)('gives up after one query timeout (the dead client is dropped, not rolled back), and loses nothing', async () => {
    const schema = await freshPgSchema(url!);
    const target = new URL(schema.url);
    const upstream = { port: Number(target.port || 5432), host: target.hostname };
    let frozen = false;
    const sockets: Socket[] = [];
    const proxy = createServer((client) => {
      const server = connect(upstream.port, upstream.host);
      sockets.push(client, server);
      client.on('data', (data) => frozen || server.write(data));
      server.on('data', (data) => frozen || client.write(data));
      for (const [a, b] of [[client, server], [server, client]] as const) {
        a.on('error', () => undefined);
        a.on('close', () => b.destroy());
      }
    });
    const port = await freePort();
    await new Promise<void>((done) => proxy.listen(port, '127.0.0.1', done));
    target.port = String(port);
    target.hostname = '127.0.0.1';
    const errors: { at: number; message: string }[] = [];
    const historian = await createHistorian(
      { providers: [{ type: 'sql', url: target.toString(), query_timeout_ms: 1_000, connect_timeout_ms: 1_000 }] },
      { onError: (error: ProviderError) => errors.push({ at: Date.now(), message: error.message }), flushAttempts: 1 },
    );
    try {
      historian.logMessage({ conversation_id: 'c', role: 'user', content: 'before' });
      await historian.flush();
      frozen = true;
      const frozenAt = Date.now();
      historian.logMessage({ conversation_id: 'c', role: 'user', content: 'after' });
      await expect(historian.flush()).rejects.toThrow(/no answer within 1000 ms \(query_timeout_ms\)/);
      // The client gives up 5 s after query_timeout_ms; a ROLLBACK on the dead client used to wait as long again.
      expect(errors[0]!.at - frozenAt).toBeLessThan(9_000);
      frozen = false;
      sockets.forEach((socket) => socket.destroy());
      await historian.close();
      const check = new pg.Client({ connectionString: schema.url });
      await check.connect();
      const { rows } = await check.query('SELECT content FROM messages ORDER BY content');
      await check.end();
      expect(rows.map((row: { content: string }) => row.content)).toEqual(['after', 'before']);
    } finally {
      proxy.close();
      await schema.drop();
    }
  }, 60_000);
});
