import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// Runs the built library (dist/, built by the test global setup or `npm run build`).
const SCRIPT = fileURLToPath(new URL('./fixtures/log-many.mjs', import.meta.url));
const PER_PROCESS = 20_000;

function logInChild(path: string, prefix: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SCRIPT, path, prefix, String(PER_PROCESS)], { stdio: ['ignore', 'ignore', 'pipe'] });
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
    const results = await Promise.all([logInChild(path, 'alpha'), logInChild(path, 'beta')]);
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
