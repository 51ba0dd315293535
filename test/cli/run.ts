import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';

/** The built CLI entry point (test/global-setup.ts builds it before the tests). */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `historian ARGS` as a child process, as a user would. */
export function runCli(
  args: string[],
  options: {
    cwd?: string;
    input?: string;
    env?: NodeJS.ProcessEnv;
    /** ms before the child is killed (SIGKILL) */
    timeout?: number;
    /** Run as this user and group id (root may start a child as another user). */
    user?: number;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      ...(options.user === undefined ? {} : { uid: options.user, gid: options.user }),
      env: { ...process.env, NO_COLOR: '1', HISTORIAN_CONFIG: '', ...options.env },
      ...(options.timeout === undefined ? {} : { timeout: options.timeout, killSignal: 'SIGKILL' as const }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * For a test file: a temporary folder whose manifest logs into SQLite (`sql`) and a JSON Lines
 * file (`archive`), holding the demo session once the file's tests start; removed after them.
 * `cli` runs a command with that manifest.
 */
export function demoHistory(prefix: string): { dir: string; manifest: string; cli: (...args: string[]) => Promise<CliResult> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const manifest = join(dir, 'agents.yml');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    writeFileSync(manifest, `storage:\n  providers:\n    - {type: sql, url: "sqlite:///${join(dir, 'h.db')}"}\n    - {type: file, name: archive, path: history.jsonl}\n`);
    const ingest = await runCli(['ingest', join(process.cwd(), 'examples/demo-session.jsonl'), '-c', manifest]);
    expect(ingest.code, ingest.stderr).toBe(0);
  });
  return { dir, manifest, cli: (...args) => runCli([...args, '-c', manifest]) };
}
