import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.js';
import { useTempDir } from './helpers.js';

const lines = [
  { type: 'message', id: 'm1', timestamp: '2026-11-20T10:00:00.000Z', conversation_id: 'c1', role: 'user', content: 'find <b> & co' },
  { type: 'tool_call', id: 't1', timestamp: '2026-11-20T10:00:01.000Z', conversation_id: 'c1', message_id: 'm1', tool_name: 'search', args: { q: "Tom's", limit: 5 }, result: [] },
  { type: 'message', id: 'm2', timestamp: '2026-11-20T10:00:02.000Z', conversation_id: 'c1', role: 'assistant', content: 'done', cost_info: { token_usage: { prompt: 10, completion: 2 }, total_cost: 0.00125 } },
];
const input = lines.map((line) => JSON.stringify(line)).join('\n') + '\n';

/** `historian ingest` of the three lines into one text_file provider with `template`. */
async function ingestWith(dir: string, template: string) {
  writeFileSync(join(dir, 'log.j2'), template);
  writeFileSync(join(dir, 'agents.yml'), 'storage:\n  providers:\n    - type: text_file\n      path: chat.log\n      template: log.j2\n');
  return runCli(['ingest', '-', '-c', join(dir, 'agents.yml')], { input, timeout: 20_000 });
}

function deadLetters(path: string): { error: string; entry: { id: string } }[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

describe('templates written for Jinja, through historian ingest', () => {
  const tempDir = useTempDir();

  it('tojson and "%.4f"|format render every entry, as Jinja2 would', async () => {
    const dir = tempDir();
    const template = [
      '{% macro entry(e) %}',
      '{{ e.id }} {{ e.type }}{% if e.args %} {{ e.args | tojson }}{% endif %}{% if e.cost_info %} ${{ "%.4f" | format(e.cost_info.total_cost) }}{% endif %}',
      // trimBlocks drops the line break right after a tag: this empty line ends the entry's line.
      '',
      '{% endmacro %}',
      '{% for e in entries %}{{ entry(e) }}{% endfor %}',
    ].join('\n');
    const { code, stderr } = await ingestWith(dir, template);
    expect(code, stderr).toBe(0);
    expect(readFileSync(join(dir, 'chat.log'), 'utf8')).toBe('m1 message\nt1 tool_call {"limit": 5, "q": "Tom\\u0027s"}\nm2 message $0.0013\n');
  });
});

describe('an entry a template fails on is set aside, counted, and fails the ingest', () => {
  const tempDir = useTempDir();
  const failsOnToolCalls = '{% if e.type == "tool_call" %}{{ e.args | no_such_filter }}{% endif %}';

  it('appending: the other entries are written, the failed one is kept in <log>.rejected.jsonl, exit 1', async () => {
    const dir = tempDir();
    const { code, stderr } = await ingestWith(dir, `{% macro entry(e) %}\n${failsOnToolCalls}{{ e.id }}\n{% endmacro %}\n{% for e in entries %}{{ entry(e) }}{% endfor %}`);
    expect(code, stderr).toBe(1);
    expect(readFileSync(join(dir, 'chat.log'), 'utf8')).toBe('m1\nm2\n');
    const kept = join(dir, 'chat.log.rejected.jsonl');
    expect(deadLetters(kept).map((letter) => letter.entry.id)).toEqual(['t1']);
    expect(deadLetters(kept)[0]!.error).toContain('filter not found: no_such_filter');
    expect(stderr).toContain(`ingested 3 entries; set aside: 1 entry by text_file (kept in ${kept})`);
  });

  it('grouped: the log is rendered without it, it is kept in <log>.rejected.jsonl, exit 1', async () => {
    const dir = tempDir();
    const { code, stderr } = await ingestWith(dir, `{% for e in entries %}${failsOnToolCalls}{{ e.id }}\n{% endfor %}`);
    expect(code, stderr).toBe(1);
    expect(readFileSync(join(dir, 'chat.log'), 'utf8')).toBe('m1\nm2\n');
    const kept = join(dir, 'chat.log.rejected.jsonl');
    expect(deadLetters(kept).map((letter) => letter.entry)).toEqual([{ ...lines[1] }].map((line) => ({ ...line, seq: 2 })));
    expect(stderr).toContain(`ingested 3 entries; set aside: 1 entry by text_file (kept in ${kept})`);
  });
});
