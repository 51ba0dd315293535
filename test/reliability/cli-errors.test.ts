import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.js';
import { sqliteManifest } from './cli-process.js';
import { tempFolder } from './helpers.js';

const { dir, remove } = tempFolder('cli-errors');
afterAll(remove);

// Port 1 on the loopback refuses connections at once: a database that is down.
const unreachable = join(dir, 'unreachable.yml');
writeFileSync(unreachable, 'storage:\n  providers:\n    - type: sql\n      url: "postgresql://app:hunter2@127.0.0.1:1/history"\n');

/** Asserts `stderr` is one line `historian: …`, without a stack trace or a password. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^historian: /);
  expect(stderr).not.toContain('unexpected error');
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain('hunter2');
  return lines[0]!;
}

describe('CLI failures print one line: what failed, then the root cause', () => {
  it('migrate against an unreachable database names the provider, the database and the refusal', async () => {
    const { code, stderr } = await runCli(['migrate', '-c', unreachable]);
    expect(code).toBe(1);
    expect(oneLine(stderr)).toMatch(/^historian: sql: .*postgresql:\/\/app:\*\*\*@127\.0\.0\.1:1\/history: connect ECONNREFUSED 127\.0\.0\.1:1$/);
  });

  it('migrate --print-sql too', async () => {
    const { code, stderr } = await runCli(['migrate', '--print-sql', '-c', unreachable]);
    expect(code).toBe(1);
    expect(oneLine(stderr)).toMatch(/^historian: sql: .*: connect ECONNREFUSED 127\.0\.0\.1:1$/);
  });

  it('a reading command against an unreachable database ends with the root cause', async () => {
    const { code, stderr } = await runCli(['history', 'show', '-c', unreachable]);
    expect(code).toBe(1);
    expect(oneLine(stderr)).toContain('connect ECONNREFUSED 127.0.0.1:1');
  });

  it('an error from below a command is named after the command', async () => {
    const manifest = sqliteManifest(dir);
    const { code, stderr } = await runCli(['export', '--to', join(dir, 'no-such-folder', 'out.json'), '-c', manifest]);
    expect(code).toBe(1);
    expect(oneLine(stderr)).toMatch(/^historian: export failed: ENOENT: no such file or directory/);
  });

  it('HISTORIAN_DEBUG=1 adds the stack traces, after the same line', async () => {
    const { code, stderr } = await runCli(['migrate', '-c', unreachable], { env: { HISTORIAN_DEBUG: '1' } });
    expect(code).toBe(1);
    expect(stderr.split('\n')[0]).toMatch(/^historian: sql: .*: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    expect(stderr).toMatch(/^\s+at /m);
    expect(stderr).toContain('caused by: Error: connect ECONNREFUSED');
    expect(stderr).not.toContain('hunter2');
  });
});
