import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHistorian } from '../../src/index.js';

const CHILD = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));

/** Runs the child until it has flushed at least once, kills it with SIGKILL after `delay` ms more, and returns the ids it reported flushed. */
function runAndKill(path: string, prefix: string, delay: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, path, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      timer ??= setTimeout(() => child.kill('SIGKILL'), delay);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited on its own: ${err}`));
      // A line cut short by the kill was never completely reported: only whole lines count.
      const lines = out.split('\n').slice(0, -1);
      resolve(lines.flatMap((line) => line.split(' ')));
    });
  });
}

describe('file provider under SIGKILL', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'historian-file-crash-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps a parsable file holding every entry whose flush resolved, kill after kill', async () => {
    const path = join(dir, 'history.json');
    const flushed: string[] = [];
    for (let run = 0; run < 5; run++) {
      const delay = 20 + Math.floor(Math.random() * 300);
      flushed.push(...(await runAndKill(path, `r${run}`, delay)));
      const document = JSON.parse(await readFile(path, 'utf8')) as { messages: { id: string }[] };
      const stored = new Set(document.messages.map((m) => m.id));
      expect(flushed.filter((id) => !stored.has(id))).toEqual([]);
      expect(stored.size).toBe(document.messages.length);
    }
    expect(flushed.length).toBeGreaterThan(0);
    // Temporary files of killed writers are cleared by the next open.
    const historian = await createHistorian({ providers: [{ type: 'file', path }] });
    await historian.close();
    expect(await readdir(dir)).toEqual(['history.json']);
  }, 60_000);
});
