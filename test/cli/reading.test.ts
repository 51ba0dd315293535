import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-reading-'));

/** `historian tail -f` as JSON Lines in a child process: what it printed so far, and a wait for a text. */
function followTail(manifestPath: string) {
  const child = spawn(process.execPath, [CLI, 'tail', '-f', '--since', '1m', '--interval', '1s', '--format', 'json', '-c', manifestPath], {
    env: { ...process.env, NO_COLOR: '1' },
  });
  let seen = '';
  let said = '';
  child.stdout.on('data', (chunk) => (seen += chunk));
  child.stderr.on('data', (chunk) => (said += chunk));
  return {
    seen: () => seen,
    said: () => said,
    async waitFor(text: string): Promise<boolean> {
      for (let i = 0; i < 150 && !seen.includes(text); i++) await new Promise((done) => setTimeout(done, 100));
      return seen.includes(text);
    },
    stop: () => child.kill(),
  };
}
const manifest = join(dir, 'agents.yml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  writeFileSync(
    manifest,
    'storage:\n  providers:\n    - {type: text_file, path: chat.log}\n    - {type: file, name: archive, path: history.jsonl}\n',
  );
  const ingest = await runCli(['ingest', join(process.cwd(), 'examples/demo-session.jsonl'), '-c', manifest]);
  expect(ingest.code).toBe(0);
});

const cli = (...args: string[]) => runCli([...args, '-c', manifest]);

describe('reading commands', () => {
  it('history show filters and prints JSON as the query result', async () => {
    const { code, stdout } = await cli('history', 'show', 'executor', '--query', 'tests', '--format', 'json');
    expect(code).toBe(0);
    const [conversation] = JSON.parse(stdout);
    expect(conversation.conversation_id).toBe('demo-exec');
    expect(conversation.messages.map((m: { id: string }) => m.id)).toEqual(['demo-m4', 'demo-m5']);
  });

  it('history show and commands page with --offset and --page', async () => {
    const all = JSON.parse((await cli('history', 'show', '--format', 'json')).stdout).map((c: { conversation_id: string }) => c.conversation_id);
    const page = JSON.parse((await cli('history', 'show', '--limit', '1', '--offset', '1', '--page', '--format', 'json')).stdout);
    expect({ ...page, items: page.items.map((c: { conversation_id: string }) => c.conversation_id) }).toEqual({ items: [all[1]], total: all.length, has_more: true });
    const text = await cli('history', 'commands', '--limit', '1', '--page');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\(1–1 of \d+; next page: --offset 1\)$/);
  });

  it('history show prints aligned text without colours when piped', async () => {
    const { stdout } = await cli('history', 'show', '--limit', '1', '--compact');
    expect(stdout).toMatch(/^demo-review {2}reviewer {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} · 1 message\n {2}\d{2}:\d{2}:\d{2} {2}assistant reviewer \(openai\/gpt-4o\): LGTM/);
    expect(stdout).not.toContain('\u001b[');
  });

  it('history stats, commands and yaml output', async () => {
    const stats = JSON.parse((await cli('history', 'stats', '--group-by', 'agent', '--format', 'json')).stdout);
    expect(stats.groups.map((g: { key: string }) => g.key)).toEqual(['analyzer', 'executor', 'planner', 'reviewer']);
    const commands = await cli('history', 'commands', '--agent', 'executor', '--format', 'yaml');
    expect(commands.stdout).toContain('command: npm test');
    expect(commands.stdout.indexOf('npm test')).toBeLessThan(commands.stdout.indexOf('npm run build'));
  });

  it('render puts stored history through a template', async () => {
    const { code, stdout } = await cli('render', '--template', 'examples/templates/one-line.j2', '--provider', 'archive');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('time | agent | what');
    expect(stdout).toContain('| analyzer | tool_call: git_status');
    const bad = await cli('render', '--template', join(dir, 'missing.j2'));
    expect(bad.code).toBe(2);
  });

  it('tail prints recent entries one per line, or as JSON Lines', async () => {
    const text = await cli('tail', '--since', '1h');
    expect(text.stdout.trimEnd().split('\n')).toHaveLength(22);
    expect(text.stdout).toContain('release-2.1  executor ran: npm test');
    const json = await cli('tail', '--since', '1h', '--format', 'json');
    expect(JSON.parse(json.stdout.split('\n')[0]!)).toMatchObject({ type: 'conversation_start', conversation_id: 'demo-plan' });
  });

  it('tail -f follows entries written by another process', async () => {
    const tail = followTail(manifest);
    try {
      expect(await tail.waitFor('demo-m8')).toBe(true);
      const line = JSON.stringify({ type: 'message', id: 'late-1', conversation_id: 'late', role: 'user', content: 'arrived later' });
      await runCli(['ingest', '-', '-c', manifest], { input: `${line}\n` });
      expect(await tail.waitFor('arrived later')).toBe(true);
      expect(tail.seen().split('\n').filter((l) => l.includes('"demo-m8"'))).toHaveLength(1);
    } finally {
      tail.stop();
    }
  });

  for (const file of ['follow.jsonl', 'follow.json']) {
    it(`tail -f follows a ${file.endsWith('l') ? 'JSON Lines file, kept open,' : 'JSON document, opened again each round,'} as another process writes it`, async () => {
      const own = join(dir, `${file}.yml`);
      // A key misplaced at the top level: its warning is printed once, not at every round.
      writeFileSync(own, `filter_mode: and\nstorage:\n  providers:\n    - type: file\n      path: ${file}\n`);
      const first = JSON.stringify({ type: 'message', id: `${file}-1`, conversation_id: 'f', role: 'user', content: 'first line' });
      await runCli(['ingest', '-', '-c', own], { input: `${first}\n` });
      const tail = followTail(own);
      try {
        expect(await tail.waitFor('first line')).toBe(true);
        for (const n of [2, 3]) {
          const line = JSON.stringify({ type: 'message', id: `${file}-${n}`, conversation_id: 'f', role: 'user', content: `line ${n}` });
          await runCli(['ingest', '-', '-c', own], { input: `${line}\n` });
          expect(await tail.waitFor(`line ${n}`)).toBe(true);
        }
        expect(tail.seen().trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual([`${file}-1`, `${file}-2`, `${file}-3`]);
        expect(tail.said().match(/warning: .*filter_mode/g)).toHaveLength(1);
      } finally {
        tail.stop();
      }
    });
  }

  for (const store of ['SQLite database', 'JSON Lines file']) {
    it(`tail -f on a ${store} prints what another process stores, in order, once each, older timestamps stored late included`, async () => {
      const own = join(dir, `order-${store.length}.yml`);
      const provider = store.startsWith('SQLite') ? `type: sql\n      url: sqlite:///${join(dir, 'order.db')}` : `type: file\n      path: ${join(dir, 'order.jsonl')}`;
      writeFileSync(own, `storage:\n  providers:\n    - ${provider}\n`);
      const at = new Date(Date.now() - 5_000).toISOString();
      const message = (id: string, timestamp: string) => JSON.stringify({ type: 'message', id, conversation_id: 'o', role: 'user', content: `text of ${id}`, timestamp });
      const ingest = (...lines: string[]) => runCli(['ingest', '-', '-c', own], { input: lines.map((l) => `${l}\n`).join('') });
      expect((await ingest(message('a1', at), message('a2', at))).code).toBe(0);
      const tail = followTail(own);
      try {
        expect(await tail.waitFor('text of a2')).toBe(true);
        // The same timestamp as the rows already printed, then one older than all of them.
        await ingest(message('b1', at), message('b2', at));
        expect(await tail.waitFor('text of b2')).toBe(true);
        await ingest(message('c1', new Date(Date.now() - 30_000).toISOString()), message('c2', new Date().toISOString()));
        expect(await tail.waitFor('text of c2')).toBe(true);
        const ids = tail.seen().trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
        expect(ids).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
      } finally {
        tail.stop();
      }
    });
  }

  it('history reset needs --yes when not on a terminal, then deletes', async () => {
    const refused = await cli('history', 'reset', '--agent', 'reviewer');
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('without --yes');
    const done = await cli('history', 'reset', '--agent', 'reviewer', '--yes', '--format', 'json');
    expect(JSON.parse(done.stdout).cleared).toEqual([{ name: 'archive', type: 'file', deleted: { conversations: 1, messages: 1, tool_calls: 0, commands: 0, context: 0, run_events: 0 } }]);
    expect(readFileSync(join(dir, 'chat.log'), 'utf8')).toContain('LGTM');
  });
});

describe('--provider', () => {
  it('reads the named provider even when default_provider names another', async () => {
    const two = join(dir, 'two.yml');
    writeFileSync(
      two,
      'storage:\n  default_provider: main\n  providers:\n    - {type: file, name: main, path: main.jsonl}\n    - {type: file, name: mirror, path: mirror.json, agents: [planner]}\n',
    );
    await runCli(['ingest', join(process.cwd(), 'examples/demo-session.jsonl'), '-c', two]);
    const main = JSON.parse((await runCli(['history', 'show', '--format', 'json', '-c', two])).stdout);
    const mirror = await runCli(['history', 'show', '--provider', 'mirror', '--format', 'json', '-c', two]);
    expect(mirror.code, mirror.stderr).toBe(0);
    expect(main.length).toBe(4);
    expect(JSON.parse(mirror.stdout).map((c: { agent_name: string }) => c.agent_name)).toEqual(['planner']);
  });
});
