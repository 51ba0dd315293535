import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from '../../examples/agent-loop.js';
import { entrySchema } from '../../src/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'historian-examples-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function readLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Runs `python3 agent.py | node dist/cli/main.js ingest -` as a shell would, without a shell. */
function pipePythonIntoIngest(outDir: string): Promise<{ code: number | null; stderr: string }> {
  const example = join(root, 'examples/from-another-language');
  const env = { ...process.env, HISTORIAN_OUT: outDir };
  const python = spawn('python3', [join(example, 'agent.py')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const ingest = spawn(process.execPath, ['dist/cli/main.js', 'ingest', '-', '-c', join(example, 'agents.yml')], { cwd: root, env });
  python.stdout.pipe(ingest.stdin);
  let stderr = '';
  ingest.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    python.on('error', reject);
    ingest.on('error', reject);
    ingest.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('examples/agent-loop.ts', () => {
  it('logs a tool-using conversation into memory and a JSON Lines file', async () => {
    const outDir = tempDir();
    const conversations = await runAgentLoop(outDir);

    expect(conversations).toHaveLength(1);
    const [conversation] = conversations;
    expect(conversation?.agent_name).toBe('travel-agent');
    expect(conversation?.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'What should I pack for Lisbon this weekend?'],
      ['assistant', ''],
      ['assistant', 'In Lisbon it is 24 °C and sunny: pack light.'],
    ]);
    const reply = conversation?.messages[2];
    expect(reply?.model).toBe('openai/gpt-4o-2024-08-06');
    expect(reply?.cost_info?.token_usage).toEqual({ total: 644, prompt: 620, completion: 24, cache_read: 256 });
    expect(reply?.cost_info?.total_cost).toBeCloseTo(((620 - 256) * 2.5 + 256 * 1.25 + 24 * 10) / 1e6, 12);

    const stored = readLines(join(outDir, 'history.jsonl'));
    expect(stored.map((entry) => entry.type)).toEqual(['conversation_start', 'context', 'message', 'message', 'tool_call', 'message', 'command']);
    expect(stored[4]).toMatchObject({ tool_name: 'get_weather', args: { city: 'Lisbon' }, result: { city: 'Lisbon', tempC: 24, sky: 'sunny' } });
    expect(stored[4]?.message_id).toBe(stored[3]?.message_id);
  });
});

describe('examples/from-another-language', () => {
  it('pipes the Python agent into `historian ingest -` and writes every entry to the JSON Lines file', async () => {
    const outDir = tempDir();
    const { code, stderr } = await pipePythonIntoIngest(outDir);
    expect(code, `ingest exited with ${code} (13: it stopped waiting on input it never got); stderr: ${stderr}`).toBe(0);
    expect(stderr).toContain('ingested 7 entries');

    const stored = readLines(join(outDir, 'history.jsonl'));
    expect(stored.map((entry) => entry.type)).toEqual(['conversation_start', 'context', 'message', 'message', 'tool_call', 'message', 'command']);
    for (const entry of stored) expect(entrySchema.safeParse(entry).error).toBeUndefined();
    expect(stored[3]).toMatchObject({
      role: 'assistant',
      model: 'openai/gpt-4o-mini',
      cost_info: { token_usage: { total: 202, prompt: 180, completion: 22, cache_read: 128 } },
    });
    expect(stored[4]).toMatchObject({
      tool_name: 'search_papers',
      args: { query: 'transformer architecture', limit: 2 },
      result: [{ title: 'Attention Is All You Need', year: 2017 }, { title: 'Language Models are Few-Shot Learners', year: 2020 }],
      message_id: stored[3]?.message_id,
    });
  });
});
