import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { logAll, openLogger, useTempDir } from './helpers.js';
import { TEXT_SESSION } from './session.js';

const docs = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../docs/templates.md'), 'utf8');

/** The code block that follows `<!-- example: NAME -->` in docs/templates.md. */
function docExample(name: string): string {
  const match = new RegExp(`<!-- example: ${name} -->\\n\`\`\`jinja\\n([\\s\\S]*?)\`\`\``).exec(docs);
  if (!match?.[1]) throw new Error(`no example ${name} in docs/templates.md`);
  return match[1];
}

describe('the custom templates of docs/templates.md work as documented', () => {
  const tempDir = useTempDir();

  it('one-line.j2 is appended: a header, then one line per entry', async () => {
    const dir = tempDir();
    const template = join(dir, 'one-line.j2');
    writeFileSync(template, docExample('one-line.j2'));
    const path = join(dir, 'chat.log');
    expect(await logAll([{ type: 'text_file', path, template }], TEXT_SESSION.slice(0, 6))).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(
      [
        'time | agent | what',
        '2026-11-20T10:00:00.000Z | planner | conversation_start: ',
        '2026-11-20T10:00:01.000Z | planner | message: Plan the release',
        '2026-11-20T10:00:05.000Z | planner | message: Step 1: build\nStep 2: test',
        '2026-11-20T10:00:06.000Z | planner | tool_call: search',
        '2026-11-20T10:00:07.000Z | planner | context: Release notes draft\n- fixes\n- features',
        '2026-11-20T11:00:00.000Z | planner | command: deploy --dry-run',
        '',
      ].join('\n'),
    );
  });

  it('digest.j2 is grouped: conversations with their messages and tool calls', async () => {
    const dir = tempDir();
    const template = join(dir, 'digest.j2');
    writeFileSync(template, docExample('digest.j2'));
    const path = join(dir, 'digest.md');
    expect(await logAll([{ type: 'text_file', path, template }], TEXT_SESSION)).toEqual([]);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('## c1 (planner, 2026-11-20T10:00:00.000Z)\n- **user**: Plan the release\n- **planner**: Step 1: build\nStep 2: test `search`\n');
    expect(text).toContain('## c2 (executor, 2026-11-21T09:00:00.000Z)\n- **executor**: Build done — Résumé ✓ 数据 "quoted" `shell`\n');
    expect(text).toContain('## c4 (loner, 2026-11-22T08:00:00.000Z)\n- **loner**: no start\n');
  });

  it('a custom template can import the built-in blocks', async () => {
    const dir = tempDir();
    const template = join(dir, 'costs.j2');
    writeFileSync(template, '{% import "blocks.j2" as b %}\n{% macro entry(e) %}\n{{ b.usage(e) if e.type == "message" }}\n{%- endmacro %}\n');
    const path = join(dir, 'costs.log');
    await logAll([{ type: 'text_file', path, template }], TEXT_SESSION.slice(2, 3));
    expect(readFileSync(path, 'utf8')).toBe('tokens: 150 total, 100 prompt, 50 completion, 20 cache read\ncost: $0.0025\nresponse time: 1.50 s\n');
  });

  it('the usage block shows a cost that came without token usage, and no token line', async () => {
    const dir = tempDir();
    const template = join(dir, 'costs.j2');
    writeFileSync(template, '{% import "blocks.j2" as b %}\n{% macro entry(e) %}\n{{ b.usage(e) if e.type == "message" }}\n{%- endmacro %}\n');
    const path = join(dir, 'costs.log');
    const priced = { type: 'message', conversation_id: 'c1', role: 'assistant', content: 'x', cost_info: { total_cost: 0.5 } } as const;
    expect(await logAll([{ type: 'text_file', path, template }], [priced])).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('cost: $0.5000\n');
  });
});

describe('renderDocument (for `historian render`)', () => {
  it('renders the built-in templates exactly as the provider writes them (chronological an entry at a time)', async () => {
    const { renderDocument } = await import('../../src/providers/text-file/render.js');
    const { templatesDir } = await import('../../src/providers/text-file/templates.js');
    const { historian } = await openLogger([{ type: 'memory' }]);
    // The logger's attribution (SPEC §1.2), redone here: own agent_name, else the conversation's, else the sender's name.
    const agents = new Map<string, string>();
    const records = TEXT_SESSION.map((input) => {
      const entry = historian.log(input);
      if (entry.type === 'conversation_start') agents.set(entry.conversation_id, entry.agent_name);
      const own = 'agent_name' in entry ? entry.agent_name : undefined;
      const named = entry.type === 'message' ? entry.name : undefined;
      return { entry, agent: own ?? ('conversation_id' in entry ? agents.get(entry.conversation_id) : undefined) ?? named ?? null };
    });
    await historian.close();
    const rendered = async (template: string) => {
      let text = '';
      for await (const piece of renderDocument(join(templatesDir, template), records)) text += piece;
      return text;
    };
    const golden = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'golden/chronological.txt'), 'utf8');
    expect(await rendered('chronological.j2')).toBe(golden);
    const grouped = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'golden/conversations.txt'), 'utf8');
    expect(await rendered('conversations.j2')).toBe(grouped);
  });
});

describe('a repeated conversation_start in a grouped template', () => {
  const tempDir = useTempDir();

  it('is decided by the last one, as in every readable provider', async () => {
    const dir = tempDir();
    const template = join(dir, 'heads.j2');
    writeFileSync(template, '{% for c in conversations %}{{ c.conversation_id }} {{ c.agent_name }} {{ c.start_time }}\n{% endfor %}');
    const path = join(dir, 'heads.log');
    const entries = [
      { type: 'conversation_start' as const, conversation_id: 'c1', agent_name: 'first', timestamp: '2026-11-23T10:00:00.000Z' },
      { type: 'message' as const, conversation_id: 'c1', role: 'user', content: 'hi', timestamp: '2026-11-23T10:00:01.000Z' },
      { type: 'conversation_start' as const, conversation_id: 'c1', agent_name: 'second', timestamp: '2026-11-23T10:00:02.000Z' },
      { type: 'conversation_start' as const, conversation_id: 'c1', agent_name: 'stale', timestamp: '2026-11-23T09:00:00.000Z' },
    ];
    expect(await logAll([{ type: 'text_file', path, template }], entries)).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('c1 second 2026-11-23T10:00:02.000Z\n');
  });
});
