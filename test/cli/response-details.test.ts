import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run.js';

// What `history show` and `history stats` print of a response's details (issue 14), read from a
// SQLite file the CLI wrote through `ingest`.
const dir = mkdtempSync(join(tmpdir(), 'historian-details-'));
const manifest = join(dir, 'agents.yml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AT = '2026-11-26T09:00';
const ENTRIES = [
  { type: 'conversation_start', conversation_id: 'c', agent_name: 'coder', timestamp: `${AT}:00.000Z` },
  { type: 'message', conversation_id: 'c', role: 'user', content: 'write it', timestamp: `${AT}:01.000Z` },
  {
    type: 'message',
    conversation_id: 'c',
    role: 'assistant',
    content: 'half an ans',
    model: 'm',
    finish_reason: 'length',
    response_id: 'resp_1',
    message_id: 'mine-1',
    cost_info: { token_usage: { prompt: 100, completion: 40, cache_read: 60, cache_write: 10, reasoning: 25 } },
    timestamp: `${AT}:02.000Z`,
  },
  { type: 'message', conversation_id: 'plain', role: 'user', content: 'no cache here', model: 'n', cost_info: { token_usage: { prompt: 1, completion: 1 } }, timestamp: `${AT}:03.000Z` },
  { type: 'message', conversation_id: 'plain', role: 'assistant', content: 'done', finish_reason: 'stop', timestamp: `${AT}:04.000Z` },
];

const cli = (...args: string[]) => runCli([...args, '-c', manifest]);

beforeAll(async () => {
  writeFileSync(manifest, `storage:\n  providers:\n    - {type: sql, url: 'sqlite:///${join(dir, 'history.db')}'}\n`);
  const ingest = await runCli(['ingest', '-', '-c', manifest], { input: ENTRIES.map((e) => JSON.stringify(e)).join('\n') + '\n' });
  expect(ingest.stderr).toContain('ingested 5 entries');
  expect(ingest.code).toBe(0);
});

describe('cache and reasoning tokens', () => {
  it('history stats shows their columns when a group counted them, and JSON has them', async () => {
    const text = await cli('history', 'stats', '--since', '2026-11-01T00:00:00Z', '--group-by', 'model');
    const [header, first, second] = text.stdout.split('\n');
    expect(header).toMatch(/^model\s+messages\s+tokens\s+prompt\s+completion\s+cache read\s+cache write\s+reasoning\s+cost\s+models$/);
    expect(first).toMatch(/^m\s+1\s+140\s+100\s+40\s+60\s+10\s+25\s+\$0\.0000\s+m$/);
    expect(second).toMatch(/^n\s+1\s+2\s+1\s+1\s+0\s+0\s+0\s+\$0\.0000\s+n$/);
    const json = JSON.parse((await cli('history', 'stats', '--since', '2026-11-01T00:00:00Z', '--group-by', 'model', '--format', 'json')).stdout);
    expect(json.groups[0]).toMatchObject({ key: 'm', cache_read_tokens: 60, cache_write_tokens: 10, reasoning_tokens: 25 });
  });

  it('history stats leaves the columns out when nothing counted them', async () => {
    const text = await cli('history', 'stats', '--since', '2026-11-26T09:00:02.500Z', '--group-by', 'model');
    expect(text.stdout.split('\n')[0]).toMatch(/^model\s+messages\s+tokens\s+prompt\s+completion\s+cost\s+models$/);
  });

  it('history show --tokens adds them to the conversation totals, in text and JSON', async () => {
    const text = await cli('history', 'show', 'coder', '--tokens');
    expect(text.stdout.split('\n')[0]).toContain('· 2 messages · 140 tokens (100 prompt, 40 completion, 60 cache read, 10 cache write, 25 reasoning)');
    const [json] = JSON.parse((await cli('history', 'show', 'coder', '--tokens', '--format', 'json')).stdout);
    expect(json.token_usage).toEqual({ total: 140, prompt: 100, completion: 40, cache_read: 60, cache_write: 10, reasoning: 25 });
  });
});

describe('finish reason', () => {
  it('history show marks a truncated answer, and not one the model finished', async () => {
    const { stdout } = await cli('history', 'show', '--since', '2026-11-01T00:00:00Z');
    expect(stdout).toMatch(/assistant \(m\) \[length\]: half an ans/);
    expect(stdout).toMatch(/assistant: done/);
    expect(stdout).not.toContain('[stop]');
  });

  it('history show --finish-reason keeps the messages that stopped for it, and JSON has the fields', async () => {
    const found = JSON.parse((await cli('history', 'show', '--since', '2026-11-01T00:00:00Z', '--finish-reason', 'length', '--format', 'json')).stdout);
    expect(found.map((c: { conversation_id: string }) => c.conversation_id)).toEqual(['c']);
    expect(found[0].messages).toEqual([expect.objectContaining({ content: 'half an ans', finish_reason: 'length', response_id: 'resp_1', message_id: 'mine-1' })]);
    const none = await cli('history', 'show', '--since', '2026-11-01T00:00:00Z', '--finish-reason', 'content_filter');
    expect(none.stdout.trim()).toBe('no conversations found');
  });
});
