import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MANIFEST = join(dir, 'agents.yml');
writeFileSync(
  MANIFEST,
  `agents:
  planner: {model: openai/gpt-4o}
storage:
  agents: [planner, executor, analyzer]
  filter_mode: and
  default_provider: mem
  log_context: false
  providers:
    - type: memory
      name: mem
      agents: [planner, executor]
    - type: memory
      name: audit
      agents: []
      log_messages: false
`,
);

describe('historian validate', () => {
  it('prints each provider with its effective agents and flags', async () => {
    const { code, stdout } = await runCli(['validate', '-c', MANIFEST]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${MANIFEST}: valid — 2 providers, filter_mode and, history read from "mem"`);
    expect(stdout).toContain('  mem (memory)\n    agents: executor, planner\n    logs:   messages, conversations, tool_calls, commands, runs\n    skips:  context');
    expect(stdout).toContain('  audit (memory)\n    agents: nobody ([])\n    logs:   conversations, tool_calls, commands, runs\n    skips:  messages, context');
  });

  it('prints the JSON shape of SPEC §6, with -c after the command', async () => {
    const { code, stdout } = await runCli(['-c', MANIFEST, 'validate', '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.default_provider).toBe('mem');
    expect(report.providers[0]).toEqual({
      name: 'mem',
      type: 'memory',
      target: null,
      agents: ['executor', 'planner'],
      flags: { log_messages: true, log_conversations: true, log_tool_calls: true, log_commands: true, log_context: false, log_runs: true },
      can_read: true,
      warnings: [],
    });
    expect(report.providers[1].agents).toEqual([]);
  });

  it('warns about a document past 10 MB, and not about JSON Lines of any size', async () => {
    const big = `{"messages": []}${' '.repeat(11 * 1024 * 1024)}\n`;
    writeFileSync(join(dir, 'big.json'), big);
    writeFileSync(join(dir, 'big.jsonl'), ' '.repeat(11 * 1024 * 1024));
    const manifest = join(dir, 'big.yml');
    writeFileSync(manifest, 'storage:\n  providers:\n    - type: file\n      path: big.json\n    - type: file\n      name: lines\n      path: big.jsonl\n');
    const { code, stdout } = await runCli(['validate', '-c', manifest]);
    expect(code).toBe(0);
    expect(stdout).toContain(`    warning: ${join(dir, 'big.json')} is 11 MB: a json document is parsed whole at every open and rewritten whole at every write; past 10 MB use jsonl`);
    expect(stdout.match(/warning:/g)).toHaveLength(1);
  });

  it('prints every problem of a broken manifest and exits 2 without a stack trace', async () => {
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, 'storage:\n  providers:\n    - type: sql\n      url: "redis://x"\n  filter_mod: and\n');
    const { code, stdout, stderr } = await runCli(['validate', '-c', broken]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('historian: invalid manifest (2 problems):');
    expect(stderr).toContain(`${broken}:4:12: storage.providers[0].url: unsupported database URL "redis://x"`);
    expect(stderr).toContain(`${broken}:5:3: storage.filter_mod: unknown key "filter_mod" (did you mean "filter_mode"?)`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a missing manifest and on bad usage', async () => {
    expect((await runCli(['validate', '-c', join(dir, 'nope.yml')])).code).toBe(2);
    const usage = await runCli(['validate', '--bogus']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("unknown option '--bogus'");
  });
});

describe('historian ingest', () => {
  const lines = [
    '{"type":"conversation_start","conversation_id":"c1","agent_name":"planner"}',
    '{"type":"message","conversation_id":"c1","role":"user","content":"hello"}',
    'not json',
    '{"type":"message","conversation_id":"c1","role":"user"}',
    '',
    '{"type":"command","agent_name":"planner","session_id":"s","command":"ls"}',
  ].join('\n');

  it('logs good lines, reports bad ones by line number and exits 1', async () => {
    const { code, stderr } = await runCli(['ingest', '-', '-c', MANIFEST], { input: lines });
    expect(code).toBe(1);
    expect(stderr).toContain('historian: line 3: invalid JSON');
    expect(stderr).toContain('historian: line 4: invalid entry: content: required field is missing (expected string) — skipped');
    expect(stderr).toContain('historian: ingested 3 entries (2 bad lines skipped)');
  });

  it('exits 0 when every line is good, reading a file', async () => {
    const file = join(dir, 'good.jsonl');
    writeFileSync(file, `${lines.split('\n').filter((l) => l.startsWith('{"type":"conversation') || l.includes('"command"')).join('\n')}\n`);
    const { code, stderr } = await runCli(['ingest', file, '-c', MANIFEST]);
    expect(stderr).toContain('ingested 2 entries');
    expect(code).toBe(0);
  });

  it('exits 2 when the input file does not exist', async () => {
    const { code, stderr } = await runCli(['ingest', join(dir, 'missing.jsonl'), '-c', MANIFEST]);
    expect(code).toBe(2);
    expect(stderr).toContain('no such file');
  });
});

describe('historian schema', () => {
  it('prints the JSON Schema', async () => {
    const { code, stdout } = await runCli(['schema']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ type: 'object', title: 'historian agent manifest (storage block)' });
  });
});
