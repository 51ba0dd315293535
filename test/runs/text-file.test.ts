import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistorian } from '../../src/index.js';
import { RUN_SESSION } from '../contract/run-session.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-runs-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function render(format: 'chronological' | 'conversations'): Promise<string> {
  const path = join(dir, `${format}.log`);
  const historian = await createHistorian({ providers: [{ type: 'text_file', path, format }] });
  for (const fact of RUN_SESSION) historian.log(fact);
  await historian.close();
  return readFileSync(path, 'utf8');
}

describe('text_file renders the run log', () => {
  it('chronological: one block per fact', async () => {
    const text = await render('chronological');
    expect(text).toContain('[2026-11-20T10:00:00.000Z] RUN STARTED  session s1 · run r1 · agent planner\n  input: Plan the release\n');
    expect(text).toContain(
      '[2026-11-20T10:00:02.500Z] LLM CALL COMPLETED  session s1 · run r1 · agent planner\n  call l1 from openai/gpt-4o · finish: tool_calls · 1500 ms\n  tokens: 1200 total, 1000 prompt, 200 completion, 400 cache read, 100 cache write\n',
    );
    expect(text).toContain('[2026-11-20T10:05:02.000Z] RUN FAILED  session s1 · run r2 · agent executor\n  error: rate limited\n');
    expect(text).toContain('  rolled back sequences 2 to 3 · hallucinated\n');
  });

  it('conversations: the facts grouped by run after the commands', async () => {
    const text = await render('conversations');
    expect(text).toContain('=== runs\n\n  run r1 · session s1 · agent planner\n    [2026-11-20T10:00:00.000Z] run started: input: Plan the release\n');
    expect(text).toContain('    [2026-11-20T10:00:03.500Z] tool call completed: tool search (call t1) result: {"hits":2}\n');
    expect(text).toContain('  run r3 · session s2 · agent analyzer\n');
  });

  it('prints an LLM call logged without a call_id without a gap where the id would be', async () => {
    const path = join(dir, 'anonymous.log');
    const historian = await createHistorian({ providers: [{ type: 'text_file', path }] });
    const run = { session_id: 's', run_id: 'r', agent_name: 'a', model: 'm' };
    historian.log({ type: 'llm_call_started', ...run, timestamp: '2026-11-20T10:00:00.000Z' });
    historian.log({ type: 'llm_call_completed', ...run, timestamp: '2026-11-20T10:00:01.000Z' });
    await historian.close();
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('  call to m\n');
    expect(text).toContain('  call from m\n');
  });
});
