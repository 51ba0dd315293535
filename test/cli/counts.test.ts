import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-counts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('counts in CLI output', () => {
  it('say "1 entry", "1 provider", "1 message", "1 token"', async () => {
    const manifest = join(dir, 'agents.yml');
    writeFileSync(manifest, 'storage:\n  providers:\n    - {type: file, path: one.jsonl}\n');
    const message = { type: 'message', conversation_id: 'c1', role: 'assistant', content: 'hi', cost_info: { token_usage: { prompt: 1, completion: 0 } } };
    const ingest = await runCli(['ingest', '-', '-c', manifest], { input: `${JSON.stringify(message)}\n` });
    expect(ingest.stderr).toBe('historian: ingested 1 entry\n');
    expect((await runCli(['validate', '-c', manifest])).stdout).toContain('valid — 1 provider,');
    const show = await runCli(['history', 'show', '--tokens', '-c', manifest]);
    expect(show.stdout).toContain('· 1 message · 1 token (1 prompt, 0 completion)');
    const exported = await runCli(['export', '--to', join(dir, 'out.jsonl'), '-c', manifest]);
    expect(exported.stderr).toMatch(/^historian: exported 1 entry from /);
  });
});
