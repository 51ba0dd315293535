import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run.js';

// Input as ordinary clients write it (issue 13): JSON Lines from Python and friends, through
// `historian ingest`, stored in a JSON Lines file that is then read back as it was written.

const dir = mkdtempSync(join(tmpdir(), 'historian-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;

/** Ingests `lines` into a fresh JSON Lines file; returns the CLI's stderr and what was stored. */
async function ingest(lines: unknown[]): Promise<{ code: number | null; stderr: string; stored: Record<string, unknown>[] }> {
  const file = join(dir, `store-${++count}.jsonl`);
  const manifest = join(dir, `agents-${count}.yml`);
  writeFileSync(manifest, `storage:\n  providers:\n    - type: file\n      path: ${file}\n`);
  const input = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n');
  const { code, stderr } = await runCli(['ingest', '-', '-c', manifest], { input });
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // Nothing stored: no file.
  }
  const stored = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, stderr, stored };
}

const command = { type: 'command', agent_name: 'a', session_id: 's', command: '/help' };
const run = { session_id: 's1', run_id: 'r1', agent_name: 'a' };

describe('ingest: null on an optional field means absent', () => {
  it('stores a command whose context_type and metadata are null, without them', async () => {
    const { code, stderr, stored } = await ingest([{ ...command, context_type: null, metadata: null }]);
    expect(code).toBe(0);
    expect(stderr).toContain('ingested 1 entry');
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toHaveProperty('context_type');
    expect(stored[0]).not.toHaveProperty('metadata');
  });

  it('takes null as absent on the optional fields of every entry kind, nested ones and the stamp included', async () => {
    const message = { type: 'message', conversation_id: 'c', role: 'user', content: 'hi', id: null, timestamp: null, seq: null };
    const lines = [
      { ...message, message_id: null, name: null, model: null, response_time: null, forwarded_from: null },
      { ...message, cost_info: { token_usage: { prompt: 3, completion: 2, total: null, cache_read: null }, total_cost: null } },
      { type: 'tool_call', conversation_id: 'c', message_id: 'm', tool_name: 't', args: {}, result: null, tool_call_id: null },
      { type: 'context', conversation_id: 'c', role: 'system', content: 'x', name: null, model: null, metadata: null },
      { type: 'run_started', ...run, user_input: 'go', parent_run_id: null, sequence: null },
      { type: 'llm_call_completed', ...run, call_id: 'l1', model: 'm', error: null, duration_ms: null, cost_info: null, tool_calls: null },
      { type: 'run_finished', ...run, response: 'done', termination_reason: null, metrics: null },
    ];
    const { code, stderr, stored } = await ingest(lines);
    expect(code).toBe(0);
    expect(stderr).toContain('ingested 7 entries');
    const [plain, costed, tool, context, started, llm, finished] = stored;
    expect(plain).not.toHaveProperty('name');
    expect(plain!.id).toEqual(expect.any(String));
    expect(plain!.timestamp).toMatch(/Z$/);
    expect(costed!.cost_info).toEqual({ token_usage: { prompt: 3, completion: 2, total: 5 } });
    // A tool's result may be null: there null is a value, kept.
    expect(tool).toHaveProperty('result', null);
    expect(tool).not.toHaveProperty('tool_call_id');
    expect(context).not.toHaveProperty('metadata');
    expect(started).not.toHaveProperty('parent_run_id');
    expect(started!.sequence).toBe(1);
    expect(llm).not.toHaveProperty('error');
    expect(llm).not.toHaveProperty('cost_info');
    expect(finished).not.toHaveProperty('metrics');
  });

  it('still refuses null on a required field, naming it', async () => {
    const { stderr, stored } = await ingest([{ ...command, command: null }]);
    expect(stderr).toContain('line 1: invalid entry: command: expected string, received null — skipped');
    expect(stored).toEqual([]);
  });
});

describe('ingest: timestamps of ordinary clients', () => {
  it('accepts any fraction length, no offset (UTC), an offset, epoch seconds and milliseconds; stores ISO UTC with milliseconds', async () => {
    const stamps = [
      '2026-11-29T10:00:00.123456',
      '2026-11-29T10:00:00',
      '2026-11-29T12:00:00.5+02:00',
      '2026-11-29T10:00:00.123456789Z',
      1795946400,
      1795946400.25,
      1795946400123,
    ];
    const { code, stderr, stored } = await ingest(stamps.map((timestamp) => ({ ...command, timestamp })));
    expect(code).toBe(0);
    expect(stderr).toContain('ingested 7 entries');
    expect(stored.map((entry) => entry.timestamp)).toEqual([
      '2026-11-29T10:00:00.123Z',
      '2026-11-29T10:00:00.000Z',
      '2026-11-29T10:00:00.500Z',
      '2026-11-29T10:00:00.123Z',
      '2026-11-29T10:00:00.000Z',
      '2026-11-29T10:00:00.250Z',
      '2026-11-29T10:00:00.123Z',
    ]);
  });

  it('refuses a timestamp it cannot read with examples that work', async () => {
    const { stderr, stored } = await ingest([{ ...command, timestamp: 'yesterday' }, { ...command, timestamp: 1e20 }]);
    expect(stored).toEqual([]);
    for (const line of [1, 2]) {
      expect(stderr).toContain(`line ${line}: invalid entry: timestamp: expected an ISO 8601 date-time such as 2026-11-29T10:00:00Z`);
    }
    expect(stderr).toContain('or epoch seconds or milliseconds such as 1795946400 or 1795946400123');
  });
});

describe('ingest: a misspelt entry type', () => {
  it('suggests the closest type', async () => {
    const { stderr } = await ingest([{ type: 'mesage', conversation_id: 'c', role: 'user', content: 'hi' }]);
    expect(stderr).toContain('line 1: invalid entry: type: unknown entry type "mesage" (did you mean "message"?); expected one of message,');
  });
});

describe('ingest: LLM calls without call_id', () => {
  it('are stored, and each completion pairs with the oldest open call of its run in runs and traces', async () => {
    const manifest = join(dir, 'runs.yml');
    writeFileSync(manifest, `storage:\n  providers:\n    - type: sql\n      url: sqlite:///${join(dir, 'runs.db')}\n`);
    const at = (seconds: number) => `2026-11-29T10:00:0${seconds}`;
    const facts = [
      { type: 'run_started', ...run, user_input: 'go', timestamp: at(0) },
      { type: 'llm_call_started', ...run, model: 'm', call_id: null, timestamp: at(1) },
      { type: 'llm_call_started', ...run, model: 'm', timestamp: at(2) },
      { type: 'llm_call_completed', ...run, model: 'm', cost_info: { token_usage: { prompt: 10, completion: 1 } }, timestamp: at(3) },
      { type: 'llm_call_completed', ...run, model: 'm', cost_info: { token_usage: { prompt: 20, completion: 2 } }, timestamp: at(5) },
      { type: 'run_finished', ...run, response: 'done', timestamp: at(6) },
    ];
    const ingested = await runCli(['ingest', '-', '-c', manifest], { input: facts.map((f) => JSON.stringify(f)).join('\n') });
    expect(ingested.stderr).toContain('ingested 6 entries');
    const traces = await runCli(['traces', '--format', 'json', '-c', manifest]);
    expect(traces.code).toBe(0);
    const [trace] = JSON.parse(traces.stdout);
    expect(trace).toMatchObject({ run_id: 'r1', llm_calls: 2, token_usage: { total: 33 } });
    expect(trace.spans.map((s: { span_id: string; duration_ms: number }) => [s.span_id, s.duration_ms])).toEqual([
      ['#1', 2000],
      ['#2', 3000],
    ]);
    const shown = await runCli(['runs', 'show', 'r1', '-c', manifest]);
    expect(shown.stdout).toContain('llm call → m');
    expect(shown.stdout).toContain('llm call ← m');
  });
});
