import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageEntry, ToolCallEntry } from '../../src/index.js';
import { runCli } from '../cli/run.js';
import { USAGE } from './e2e/canned.js';
import { startLoopbackProvider, type LoopbackProvider } from './e2e/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The code block that follows `<!-- agent-loop: NAME -->` in the README. */
function example(name: string): string {
  const match = new RegExp(`<!-- agent-loop: ${name} -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match?.[1]) throw new Error(`no agent-loop example ${name} in README.md`);
  return match[1];
}

// Each example, its conversation, and the usage of its two model calls (the tool turn, the answer).
const examples = {
  'openai-chat': { conversation: 'trip-chat', model: 'openai/gpt-4o-2024-08-06', usage: [USAGE.chatTools, USAGE.chatAnswer] },
  'openai-responses': { conversation: 'trip-responses', model: 'openai/gpt-5-mini-2025-08-07', usage: [USAGE.responsesTools, USAGE.responsesAnswer] },
  anthropic: { conversation: 'trip-anthropic', model: 'anthropic/claude-sonnet-4-6', usage: [USAGE.anthropicTools, USAGE.anthropicAnswer] },
  'ai-sdk': { conversation: 'trip-ai-sdk', model: 'openai/gpt-5-mini-2025-08-07', usage: [USAGE.responsesTools, USAGE.responsesAnswer] },
};

let provider: LoopbackProvider;
let dir: string;

beforeAll(async () => {
  provider = await startLoopbackProvider();
  dir = mkdtempSync(join(tmpdir(), 'historian-readme-loops-'));
  writeFileSync(join(dir, 'agents.yml'), 'storage:\n  providers:\n    - type: sql\n      url: "sqlite:///history.db"\n');
});

afterAll(async () => {
  await provider.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs an example as its own ESM script inside the package, so `import … from 'historian'` resolves to it. */
async function runExample(name: string): Promise<void> {
  const script = join(root, `.readme-loop-${name}-${process.pid}.mjs`);
  writeFileSync(script, example(name));
  const env = { ...process.env, OPENAI_API_KEY: 'test', OPENAI_BASE_URL: `${provider.url}/v1`, ANTHROPIC_API_KEY: 'test', ANTHROPIC_BASE_URL: provider.url };
  try {
    await promisify(execFile)(process.execPath, [script], { cwd: dir, env });
  } finally {
    rmSync(script, { force: true });
  }
}

describe('README: wire it into your agent loop', () => {
  for (const [name, { conversation, model, usage }] of Object.entries(examples)) {
    it(`${name}: the example runs, and logs both model calls and both tool calls with their results`, async () => {
      await runExample(name);
      const show = await runCli(['history', 'show', '--format', 'json', '--limit', '20'], { cwd: dir });
      expect(show.code, show.stderr).toBe(0);
      const stored = (JSON.parse(show.stdout) as Array<{ conversation_id: string; messages: MessageEntry[] }>).find((c) => c.conversation_id === conversation);
      expect(stored!.messages.map((m) => [m.role, m.name, m.model, m.cost_info?.token_usage])).toEqual(usage.map((u) => ['assistant', 'planner', model, u]));
      const out = join(dir, `${name}.jsonl`);
      expect((await runCli(['export', '--to', out], { cwd: dir })).code).toBe(0);
      const entries = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ToolCallEntry);
      const calls = entries.filter((e) => e.type === 'tool_call' && e.conversation_id === conversation);
      expect(calls.map((call) => [call.tool_name, call.args, call.result])).toEqual([
        ['get_weather', { city: 'Oslo' }, { city: 'Oslo', tempC: 21 }],
        ['get_weather', { city: 'Bergen' }, { city: 'Bergen', tempC: 21 }],
      ]);
    }, 60_000);
  }
});
