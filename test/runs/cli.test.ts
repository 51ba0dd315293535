import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.js';
import { RUN_SESSION } from '../contract/run-session.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-runs-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MANIFEST = join(dir, 'agents.yml');
writeFileSync(
  MANIFEST,
  `storage:
  pricing:
    gpt-4o: {input: 2.5, output: 10, cache_read: 1.25}
  providers:
    - type: sql
      url: sqlite:///history.db
`,
);

beforeAll(async () => {
  const input = RUN_SESSION.map((fact) => JSON.stringify(fact)).join('\n');
  const { code, stderr } = await runCli(['ingest', '-c', MANIFEST, '-'], { input });
  expect(stderr).toBe('historian: ingested 19 entries\n');
  expect(code).toBe(0);
});

describe('historian runs', () => {
  it('lists runs as text and as the JSON of SPEC §3.6', async () => {
    const text = await runCli(['runs', 'list', '-c', MANIFEST]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^run\s+agent\s+session\s+status\s+started\s+duration\s+llm calls\s+tokens\s+cost$/);
    expect(text.stdout).toMatch(/r1\s+planner\s+s1\s+completed\s+2026-11-20 10:00:00\s+6\.0s\s+2\s+1800\s+\$0\.0140/);
    const json = await runCli(['runs', 'list', '-c', MANIFEST, '--status', 'failed', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject([{ run_id: 'r2', status: 'failed', error: 'rate limited', duration_ms: 2000 }]);
  });

  it('pages with --page: an envelope in JSON, a closing count in text', async () => {
    const json = await runCli(['runs', 'list', '-c', MANIFEST, '--limit', '1', '--offset', '1', '--page', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ items: [{ run_id: 'r2' }], total: 3, has_more: true });
    const text = await runCli(['runs', 'list', '-c', MANIFEST, '--limit', '2', '--page']);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('(1–2 of 3; next page: --offset 2)');
    const traces = await runCli(['traces', '-c', MANIFEST, '--offset', '2', '--page', '--format', 'json']);
    expect(JSON.parse(traces.stdout)).toMatchObject({ items: [{ run_id: 'r1' }], total: 3, has_more: false });
  });

  it('shows one run with its steps, and fails for an unknown one', async () => {
    const { code, stdout } = await runCli(['runs', 'show', 'r3', '-c', MANIFEST]);
    expect(code).toBe(0);
    expect(stdout).toContain('r3  analyzer  session s2  running');
    expect(stdout).toMatch(/ 1 +09:00:00\.000 +run started: Summarise\n +4 +09:00:03\.000 +tool shell \(t2\) started\n +6 /);
    const json = JSON.parse((await runCli(['runs', 'show', 'r1', '-c', MANIFEST, '--format', 'json'])).stdout);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['run_id', 'session_id', 'agent_name', 'status', 'started_at', 'ended_at', 'duration_ms', 'response', 'error', 'llm_calls', 'token_usage', 'cost']));
    const missing = await runCli(['runs', 'show', 'nope', '-c', MANIFEST]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('historian: no run "nope" found\n');
  });
});

describe('historian traces', () => {
  it('prints each run with its spans', async () => {
    const { code, stdout } = await runCli(['traces', '-c', MANIFEST, '--agent', 'planner']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^r1 +planner +s1 +completed/);
    expect(lines.slice(1).map((line) => line.trim().split(/\s{2,}/).slice(0, 5))).toEqual([
      ['├ llm', 'openai/gpt-4o', '+1.0s', '1.5s', 'ok'],
      ['├ tool', 'search', '+3.0s', '500ms', 'ok'],
      ['└ llm', 'anthropic/claude-sonnet-4', '+4.0s', '1.0s', 'ok'],
    ]);
  });

  it('filters by status and minimum duration, in JSON', async () => {
    const { stdout } = await runCli(['traces', '-c', MANIFEST, '--min-duration', '2s', '--format', 'json']);
    expect(JSON.parse(stdout).map((t: { run_id: string }) => t.run_id)).toEqual(['r2', 'r1']);
    const running = JSON.parse((await runCli(['traces', '-c', MANIFEST, '--status', 'running', '--format', 'json'])).stdout);
    expect(running[0].spans.map((s: { span_id: string }) => s.span_id)).toEqual(['l4', 't2', 'l5']);
  });

  it('rejects a bad status or duration as bad usage', async () => {
    expect((await runCli(['traces', '-c', MANIFEST, '--status', 'done'])).code).toBe(2);
    expect((await runCli(['traces', '-c', MANIFEST, '--min-duration', 'soon'])).code).toBe(2);
  });
});

describe('historian history stats', () => {
  it('adds LLM calls, tokens and cost by model from the run log', async () => {
    const { stdout } = await runCli(['history', 'stats', '-c', MANIFEST, '--since', '2026-11-01', '--group-by', 'model', '--format', 'json']);
    const stats = JSON.parse(stdout);
    expect(stats.groups.map((g: { key: string; llm_calls: number }) => [g.key, g.llm_calls])).toEqual([
      ['anthropic/claude-sonnet-4', 1],
      ['openai/gpt-4o', 3],
    ]);
    expect(stats.groups[1].llm_cost).toBeCloseTo(0.00525, 12);
    const text = await runCli(['history', 'stats', '-c', MANIFEST, '--since', '2026-11-01', '--group-by', 'model']);
    expect(text.stdout).toMatch(/openai\/gpt-4o\s+0\s+0\s+0\s+0\s+\$0\.0000\s+-\s+3\s+1550\s+\$0\.0053/);
  });
});
