import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-cli-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MANIFEST = join(dir, 'agents.yml');
writeFileSync(
  MANIFEST,
  `storage:
  providers:
    - {type: sql, name: db, url: "sqlite:///history.db"}
    - {type: file, name: lines, path: history.jsonl}
    - {type: file, name: doc, path: history.json}
`,
);

const AT = '2026-11-25T09:00:00.000Z';
const line = (entry: Record<string, unknown>) => JSON.stringify({ timestamp: AT, ...entry });
const message = (content: string, extra: Record<string, unknown> = {}) => line({ type: 'message', conversation_id: 'tie', role: 'user', content, ...extra });
const step = (content: string) => message(content, { message_id: 'resp-1', model: 'm', cost_info: { token_usage: { prompt: 10, completion: 5 } } });
const fact = (id: string) => line({ type: 'run_started', id, session_id: 's', run_id: 'r', agent_name: 'tie-agent', user_input: 'go', sequence: 1 });

/** One `historian ingest` process: its own logger, whose seq starts at 1 again. */
function ingest(...lines: string[]): Promise<CliResult> {
  return runCli(['ingest', '-', '-c', MANIFEST], { input: lines.map((l) => `${l}\n`).join('') });
}

async function read(provider: string, ...args: string[]): Promise<unknown> {
  const { code, stdout, stderr } = await runCli(['history', ...args, '--provider', provider, '--format', 'json', '-c', MANIFEST]);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout);
}

describe('historian ingest, twice: order and identity across processes', () => {
  let second: CliResult;

  beforeAll(async () => {
    const first = await ingest(
      line({ type: 'conversation_start', conversation_id: 'tie', agent_name: 'tie-agent' }),
      message('tied 1'),
      message('tied 2'),
      message('tied 3'),
      step('from the step'),
      fact('f-first'),
    );
    expect(first.code, first.stderr).toBe(0);
    second = await ingest(message('tied 4'), step('from the finish'), fact('f-second'));
  }, 60_000);

  for (const provider of ['db', 'lines', 'doc']) {
    it(`${provider}: a message ingested later at the same millisecond is listed after the earlier ones`, async () => {
      const [conversation] = (await read(provider, 'show')) as { messages: { content: string }[] }[];
      expect(conversation!.messages.map((m) => m.content)).toEqual(['tied 1', 'tied 2', 'tied 3', 'from the step', 'tied 4']);
    });

    it(`${provider}: a message ingested again with its message_id is stored and counted once`, async () => {
      const stats = (await read(provider, 'stats', '--group-by', 'model', '--since', '2026-11-01T00:00:00Z')) as { groups: { key: string; messages: number; total_tokens: number }[] };
      expect(stats.groups.find((g) => g.key === 'm')).toMatchObject({ messages: 1, total_tokens: 15 });
    });
  }

  it('refuses a run fact whose sequence the session holds, naming both, and keeps it in the dead-letter file', async () => {
    expect(second.stderr).toContain('session s already has a fact numbered 1');
    const letters = readFileSync(join(dir, 'history.db.rejected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { entry: { id: string } });
    expect(letters.map((l) => l.entry.id)).toEqual(['f-second']);
    expect(existsSync(join(dir, 'history.jsonl.rejected.jsonl'))).toBe(true);
    const db = new Database(join(dir, 'history.db'), { readonly: true });
    expect(db.prepare('SELECT id, sequence FROM run_events').all()).toEqual([{ id: 'f-first', sequence: 1 }]);
    db.close();
  });
});
