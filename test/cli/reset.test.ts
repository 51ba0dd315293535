import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run.js';
import { createHistorian } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-reset-'));
const manifest = join(dir, 'agents.yml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli([...args, '-c', manifest]);

beforeEach(async () => {
  for (const file of ['h.db', 'archive.jsonl', 'chat.log']) rmSync(join(dir, file), { force: true });
  writeFileSync(
    manifest,
    `storage:\n  providers:\n    - {type: sql, url: "sqlite:///${join(dir, 'h.db')}"}\n    - {type: file, name: archive, path: archive.jsonl}\n    - {type: text_file, name: chat, path: chat.log}\n    - {type: memory, name: scratch}\n`,
  );
  const ingest = await cli('ingest', join(process.cwd(), 'examples/demo-session.jsonl'));
  expect(ingest.code, ingest.stderr).toBe(0);
});

describe('history reset', () => {
  it('clears the reading provider and says which providers kept their entries, and how to clear them', async () => {
    const { code, stdout } = await cli('history', 'reset', '--agent', 'reviewer', '--yes');
    expect(code).toBe(0);
    expect(stdout).toBe(
      'cleared sql (sql): deleted 1 conversation, 1 message, 0 tool calls, 0 commands, 0 context additions, 0 run-log facts\n' +
        'kept archive (file): still holds its entries: add --all-providers to clear it too\n' +
        `kept chat (text_file): still holds its entries: one agent's entries cannot be cut out of a text_file log; delete ${join(dir, 'chat.log')} yourself\n`,
    );
    expect(readFileSync(join(dir, 'archive.jsonl'), 'utf8')).toContain('demo-m8');
  });

  it('with --all-providers clears every provider that can delete history', async () => {
    const { code, stdout } = await cli('history', 'reset', '--all-providers', '--yes', '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { cleared: { name: string; type: string; deleted?: { messages: number }; files?: string[] }[]; kept: { name: string }[] };
    expect(report.cleared.map((p) => [p.name, p.type, p.deleted?.messages ?? p.files])).toEqual([
      ['sql', 'sql', 8],
      ['archive', 'file', 8],
      ['chat', 'text_file', [join(dir, 'chat.log')]],
    ]);
    expect(report.kept).toEqual([]);
    expect((await cli('history', 'show', '--provider', 'archive')).stdout).toBe('no conversations found\n');
    expect(existsSync(join(dir, 'chat.log'))).toBe(false);
  });

  it('with --all-providers deletes the files a templated text log wrote, and their journals, and no other file', async () => {
    const logs = join(dir, 'logs');
    rmSync(logs, { recursive: true, force: true });
    writeFileSync(
      manifest,
      `storage:\n  providers:\n    - {type: sql, url: "sqlite:///${join(dir, 'h.db')}"}\n` +
        `    - {type: text_file, name: per-agent, path: "logs/{{ agent_name }}/{{ date }}.log"}\n` +
        `    - {type: text_file, name: grouped, path: logs/conversations.md, format: conversations}\n`,
    );
    expect((await cli('ingest', join(process.cwd(), 'examples/demo-session.jsonl'))).code).toBe(0);
    writeFileSync(join(logs, 'notes.txt'), 'mine');
    // A file of the user's that the path template could have named: historian did not write it.
    mkdirSync(join(logs, 'someone'));
    writeFileSync(join(logs, 'someone', '2020-01-01.log'), 'mine too');
    const written = readdirSync(logs, { recursive: true }).map(String).filter((f) => f.includes('.')).sort();
    expect(written).toContain('conversations.md.entries.jsonl');
    const { code, stdout } = await cli('history', 'reset', '--all-providers', '--yes');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^cleared per-agent \(text_file\): deleted \d+ files$/m);
    expect(stdout).toContain('cleared grouped (text_file): deleted 2 files');
    const left = readdirSync(logs, { recursive: true }).map(String).filter((f) => f.includes('.') && !f.startsWith('.'));
    expect(left.sort()).toEqual(['notes.txt', join('someone', '2020-01-01.log')]);
  });
});

describe('a memory provider as the reading provider', () => {
  it('is named as living only in the process that logged it', async () => {
    for (const args of [['history', 'show'], ['history', 'stats'], ['runs', 'list'], ['tail']]) {
      const { code, stderr } = await cli(...args, '--provider', 'scratch');
      expect(code, args.join(' ')).toBe(0);
      expect(stderr).toContain('historian: note: provider "scratch" is of type memory: its history lives only in the process that logged it');
    }
    expect((await cli('history', 'show')).stderr).toBe('');
  });
});

describe('a live writer of a grouped text log, after history reset --all-providers', () => {
  it('writes only what it logs after the reset, never the history the reset deleted', async () => {
    const live = join(dir, 'live');
    rmSync(live, { recursive: true, force: true });
    const log = join(live, 'conversations.log');
    writeFileSync(manifest, `storage:\n  providers:\n    - {type: sql, url: "sqlite:///${join(live, 'h.db')}"}\n    - {type: text_file, name: grouped, path: ${JSON.stringify(log)}, format: conversations}\n`);
    const historian = await createHistorian(manifest);
    historian.log({ type: 'message', conversation_id: 'before', role: 'user', content: 'SECRET-BEFORE-RESET' });
    await historian.flush();
    expect(readFileSync(log, 'utf8')).toContain('SECRET-BEFORE-RESET');
    expect((await cli('history', 'reset', '--all-providers', '--yes')).stdout).toContain('cleared grouped (text_file): deleted 2 files\n');
    historian.log({ type: 'message', conversation_id: 'after', role: 'user', content: 'logged after the reset' });
    await historian.close();
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('logged after the reset');
    expect(text).not.toContain('SECRET-BEFORE-RESET');
  });
});
