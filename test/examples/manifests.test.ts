import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.js';

const out = mkdtempSync(join(tmpdir(), 'historian-examples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const SESSION = 'examples/demo-session.jsonl';

describe.each(['single-provider', 'multi-provider', 'custom-template'])('examples/%s.yml', (name) => {
  const env = { HISTORIAN_OUT: join(out, name) };
  const manifest = `examples/${name}.yml`;

  it('validates, ingests the demo session and reads it back', async () => {
    expect((await runCli(['validate', '-c', manifest], { env })).code).toBe(0);
    const ingest = await runCli(['ingest', SESSION, '-c', manifest], { env });
    expect(ingest.stderr).toContain('ingested 22 entries');
    expect(ingest.code).toBe(0);
    const show = await runCli(['history', 'show', '--format', 'json', '--limit', '50', '-c', manifest], { env });
    expect(show.code).toBe(0);
    const conversations = JSON.parse(show.stdout) as { agent_name: string }[];
    expect(conversations.length).toBeGreaterThan(0);
  });
});

describe('what the example manifests write', () => {
  it('multi-provider: sql keeps planner and executor, the yaml file only the analyzer, logs split by agent', async () => {
    const env = { HISTORIAN_OUT: join(out, 'multi-provider') };
    const show = await runCli(['history', 'show', '--format', 'json', '-c', 'examples/multi-provider.yml'], { env });
    expect(new Set((JSON.parse(show.stdout) as { agent_name: string }[]).map((c) => c.agent_name))).toEqual(new Set(['planner', 'executor']));
    const yaml = readFileSync(join(out, 'multi-provider/data/history.yaml'), 'utf8');
    expect(yaml).toContain('analyzer');
    expect(yaml).not.toContain('agent_name: planner');
    const day = new Date().toISOString().slice(0, 10);
    expect(readFileSync(join(out, `multi-provider/logs/executor/${day}.log`), 'utf8')).toContain('npm run build');
  });

  it('custom-template: one line per entry through examples/templates/one-line.j2', () => {
    const lines = readFileSync(join(out, 'custom-template/logs/one-line.log'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('time | agent | what');
    expect(lines).toHaveLength(1 + 22);
    expect(lines[4]).toMatch(/\| planner \| message: Plan: ⏎ 1\. Build the packages ⏎ .* \(\$0\.0018\)$/);
  });
});
