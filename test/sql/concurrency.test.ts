import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshMysqlDatabase, MYSQL_URL, onServer } from '../contract/mysql-database.js';

// Runs the built library (dist/, built by the test global setup or `npm run build`).
const SCRIPT = fileURLToPath(new URL('./fixtures/log-many.mjs', import.meta.url));
const PER_PROCESS = 20_000;

function logInChild(url: string, prefix: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SCRIPT, url, prefix, String(PER_PROCESS)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('two processes logging into one SQLite file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'historian-concurrent-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores every entry of both, with no SQLITE_BUSY error', async () => {
    const path = join(dir, 'shared.db');
    const url = `sqlite:///${path}`;
    const results = await Promise.all([logInChild(url, 'alpha'), logInChild(url, 'beta')]);
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    const db = new Database(path, { readonly: true });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(count('SELECT count(*) AS n FROM messages')).toBe(2 * PER_PROCESS);
    expect(count("SELECT count(*) AS n FROM messages WHERE conversation_id = 'alpha-c'")).toBe(PER_PROCESS);
    expect(count('SELECT count(*) AS n FROM conversations WHERE started = 1')).toBe(2);
    db.close();
  }, 120_000);
});

describe.runIf(MYSQL_URL)('two processes logging into one MySQL/MariaDB database (HISTORIAN_TEST_MYSQL_URL)', () => {
  it('stores every entry of both, with no error (both create the schema at once, then write side by side)', async () => {
    const database = await freshMysqlDatabase(MYSQL_URL!);
    try {
      const results = await Promise.all([logInChild(database.url, 'alpha'), logInChild(database.url, 'beta')]);
      expect(results).toEqual([
        { code: 0, stderr: '' },
        { code: 0, stderr: '' },
      ]);
      const [all, alpha, started] = (await onServer(
        MYSQL_URL!,
        `USE \`${database.name}\``,
        'SELECT count(*) AS n FROM messages',
        "SELECT count(*) AS n FROM messages WHERE conversation_id = 'alpha-c'",
        'SELECT count(*) AS n FROM conversations WHERE started = true',
      )).slice(1) as { n: number }[][];
      expect([all, alpha, started].map((rows) => Number(rows?.[0]?.n))).toEqual([2 * PER_PROCESS, PER_PROCESS, 2]);
    } finally {
      await database.drop();
    }
  }, 120_000);
});
