import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-demo-test-'));
const out = join(dir, 'demo');
let demo: CliResult;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  demo = await runCli(['demo', '--out', out], { cwd: dir });
}, 60_000);

const read = (path: string) => readFileSync(join(out, path), 'utf8');

describe('historian demo', () => {
  it('succeeds and explains what each provider received and why', () => {
    expect(demo.stderr, demo.stderr).toBe('');
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('logged 52 entries into 4 providers');
    expect(demo.stdout).toMatch(/sql \(sql → demo\/history\.db\)\n {2}agents: {3}analyzer, executor, planner\n {2}flags: {4}logs everything\n {2}received: 3 conversation starts, 7 messages, 4 tool calls, 4 commands, 2 context additions/);
    expect(demo.stdout).toMatch(/chronological \(text_file → demo\/logs\/chronological\.log\)\n.*\n {2}flags: {4}logs messages, conversations, tool_calls, commands, runs; skips context\n {2}received: 3 conversation starts, 7 messages, 4 tool calls, 4 commands, 4 run starts, 3 run finishes, 1 run failure, 7 LLM call starts, 7 LLM calls, 4 tool call starts, 4 tool call ends\n/);
    expect(demo.stdout).toMatch(/conversations \(text_file → .*\)\n {2}agents: {3}executor, planner\n.*skips commands\n {2}received: 2 conversation starts, 5 messages, 3 tool calls, 1 context addition, 3 run starts, 2 run finishes, 1 run failure, 5 LLM call starts, 5 LLM calls, 3 tool call starts, 3 tool call ends\n/);
    expect(demo.stdout).toMatch(/json \(file → demo\/history\.json\)\n {2}agents: {3}analyzer\n.*skips tool_calls\n {2}received: 1 conversation start, 2 messages, 1 command, 1 context addition, 1 run start, 1 run finish, 2 LLM call starts, 2 LLM calls, 1 tool call start, 1 tool call end\n/);
    expect(demo.stdout).toContain("With filter_mode: override, a provider's own list would replace the global one:\n  conversations: executor, planner\n  json: analyzer, reviewer");
  });

  it('reads history and stats back from SQLite', () => {
    expect(demo.stdout).toContain('history show (read back from sql):');
    expect(demo.stdout).toContain('demo-exec  executor');
    expect(demo.stdout).not.toContain('LGTM');
    expect(demo.stdout).toMatch(/anthropic\/claude-sonnet-4\s+3\s+1375\s+1230\s+145\s+400\s+400\s+0\s+\$0\.0043/);
  });

  it('records runs whose calls keep the spacing of the script, ending now', async () => {
    const runs = await runCli(['-c', fileURLToPath(new URL('../../examples/demo.yml', import.meta.url)), 'runs', 'list', '--format', 'json'], { cwd: dir, env: { HISTORIAN_DEMO_OUT: out } });
    expect(runs.code, runs.stderr).toBe(0);
    const list = JSON.parse(runs.stdout) as { run_id: string; status: string; duration_ms: number | null; started_at: string }[];
    expect(list.map((r) => [r.run_id, r.status, r.duration_ms])).toEqual([
      ['run-publish', 'failed', 2300],
      ['run-analyze', 'completed', 2300],
      ['run-exec', 'completed', 34100],
      ['run-plan', 'completed', 4000],
    ]);
    expect(Date.now() - Date.parse(list[0]!.started_at)).toBeLessThan(60_000);
  });

  it('writes each provider according to its filter and flags', () => {
    const chronological = read('logs/chronological.log');
    expect(chronological).toContain('npm run build');
    expect(chronological).toContain('analyzer');
    expect(chronological).not.toContain('You are the release planner');
    const conversations = read('logs/conversations.log');
    expect(conversations).toContain('demo-plan');
    expect(conversations).toContain('You are the release planner');
    expect(conversations).not.toContain('demo-analyze');
    expect(conversations).not.toContain('handoff executor');
    const json = JSON.parse(read('history.json')) as Record<string, { conversation_id?: string }[]>;
    expect(new Set(json.messages!.map((m) => m.conversation_id))).toEqual(new Set(['demo-analyze']));
    expect(json.tool_calls ?? []).toEqual([]);
    expect(existsSync(join(out, 'history.db'))).toBe(true);
  });

  it('starts afresh on a second run, and refuses a folder it did not make', async () => {
    const again = await runCli(['demo', '--out', out], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('received: 3 conversation starts, 7 messages');
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const refused = await runCli(['demo', '--out', dir], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not empty and was not made by historian demo');
    expect(existsSync(join(dir, 'keep.txt'))).toBe(true);
  });
});
