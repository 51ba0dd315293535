import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-pipes-'));
const manifest = join(dir, 'agents.yml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Far more output than a pipe holds (64 KiB), so the CLI is still writing when its reader goes. */
beforeAll(async () => {
  writeFileSync(manifest, `storage:\n  providers:\n    - {type: sql, url: "sqlite:///${join(dir, 'h.db')}"}\n`);
  const lines: string[] = [];
  for (let c = 0; c < 600; c++) {
    lines.push(JSON.stringify({ type: 'conversation_start', conversation_id: `c${c}`, agent_name: c % 2 ? 'planner' : 'executor' }));
    for (let m = 0; m < 6; m++) lines.push(JSON.stringify({ type: 'message', id: `c${c}-m${m}`, conversation_id: `c${c}`, role: 'user', content: `message ${m} of conversation ${c}` }));
    lines.push(JSON.stringify({ type: 'tool_call', conversation_id: `c${c}`, message_id: `c${c}-m1`, tool_name: 'grep', args: { q: 'x' }, result: 'y' }));
    // Long enough that 600 commands print far more than a pipe holds too.
    lines.push(JSON.stringify({ type: 'command', agent_name: 'executor', session_id: `s${c % 3}`, command: `npm test ${c} -- ${'--reporter=verbose '.repeat(12)}` }));
  }
  const ingest = await runCli(['ingest', '-', '-c', manifest], { input: `${lines.join('\n')}\n` });
  expect(ingest.code, ingest.stderr).toBe(0);
});

/** Runs the CLI, reads its first line, then closes the pipe, as `historian … | head -1` does. */
function firstLine(args: string[]): Promise<{ line: string; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '-c', manifest], { env: { ...process.env, NO_COLOR: '1', HISTORIAN_CONFIG: '' } });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ line: out.split('\n')[0]!, code, stderr }));
  });
}

describe('a closed output pipe', () => {
  const commands: [string, string[]][] = [
    ['tail', ['tail', '--since', '30d']],
    ['tail as JSON Lines', ['tail', '--since', '30d', '--format', 'json']],
    ['history show', ['history', 'show', '--limit', '3000']],
    ['history show as JSON', ['history', 'show', '--limit', '3000', '--format', 'json']],
    ['history show as YAML', ['history', 'show', '--limit', '3000', '--format', 'yaml']],
    ['render', ['render', '--template', 'chronological']],
    ['history commands', ['history', 'commands', '--limit', '2000']],
    ['export --to -', ['export', '--to', '-']],
    ['export --to - as YAML', ['export', '--to', '-', '--format', 'yaml']],
  ];
  for (const [name, args] of commands) {
    it(`ends ${name} quietly with status 0, as for cat`, async () => {
      const { line, code, stderr } = await firstLine(args);
      expect(line).not.toBe('');
      expect(stderr).toBe('');
      expect(code).toBe(0);
    });
  }
});
