import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../cli/run.js';

// Runs the built CLI (dist/, built by the test global setup or `npm run build`).
const run = promisify(execFile);

const ENTRIES = [
  { type: 'conversation_start', conversation_id: 'c1', agent_name: 'planner', timestamp: '2026-11-20T10:00:00.000Z' },
  { type: 'message', id: 'm1', conversation_id: 'c1', role: 'user', content: 'Plan the release', timestamp: '2026-11-20T10:00:01.000Z' },
  {
    type: 'message',
    id: 'm2',
    conversation_id: 'c1',
    role: 'assistant',
    model: 'openai/gpt-4o',
    content: 'Step 1: build',
    cost_info: { token_usage: { total: 150, prompt: 100, completion: 50, cache_read: 20 }, total_cost: 0.0025 },
    timestamp: '2026-11-20T10:00:05.000Z',
  },
];

describe('historian CLI on an sql provider', () => {
  let dir: string;
  let manifest: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'historian-sql-cli-'));
    manifest = join(dir, 'agents.yml');
    writeFileSync(manifest, 'storage:\n  providers:\n    - type: sql\n      url: "sqlite:///x.db"\n');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('history show, in a second process, returns what ingest logged in a first', async () => {
    const input = join(dir, 'session.jsonl');
    writeFileSync(input, ENTRIES.map((e) => JSON.stringify(e)).join('\n'));
    await run(process.execPath, [CLI, 'ingest', input, '-c', manifest], { cwd: dir });
    const { stdout } = await run(process.execPath, [CLI, 'history', 'show', '--format', 'json', '-c', manifest], { cwd: dir });
    const conversations = JSON.parse(stdout) as { conversation_id: string; agent_name: string; messages: { id: string }[] }[];
    expect(conversations).toEqual([
      {
        conversation_id: 'c1',
        agent_name: 'planner',
        start_time: '2026-11-20T10:00:00.000Z',
        messages: [
          { ...ENTRIES[1], message_id: 'm1', seq: expect.any(Number) },
          { ...ENTRIES[2], message_id: 'm2', seq: expect.any(Number) },
        ],
      },
    ]);
  });

  it('migrate --print-sql shows the DDL without creating the database; migrate applies it', async () => {
    const printed = await run(process.execPath, [CLI, 'migrate', '--print-sql', '-c', manifest], { cwd: dir });
    expect(printed.stdout).toContain('CREATE TABLE IF NOT EXISTS "messages"');
    expect(printed.stdout).toContain('CREATE INDEX IF NOT EXISTS "messages_conversation_idx"');
    const applied = await run(process.execPath, [CLI, 'migrate', '-c', manifest], { cwd: dir });
    expect(applied.stdout).toContain('added tables conversations, messages');
    const again = await run(process.execPath, [CLI, 'migrate', '--print-sql', '-c', manifest], { cwd: dir });
    expect(again.stdout).toContain('schema is up to date');
  });
});
