import { describe, expect, it } from 'vitest';
import { demoHistory } from './run.js';

const { cli } = demoHistory('historian-details-');
const ids = (items?: { id: string }[]) => items?.map((item) => item.id);

describe('history show --tools / --context / --all', () => {
  for (const provider of ['sql', 'archive']) {
    it(`adds tool_calls and context to each message in JSON (${provider})`, async () => {
      const { code, stdout, stderr } = await cli('history', 'show', '--all', '--format', 'json', '--provider', provider);
      expect(code, stderr).toBe(0);
      const byId = new Map((JSON.parse(stdout) as { conversation_id: string; context: { id: string }[]; messages: { id: string; tool_calls: { id: string }[]; context: { id: string }[] }[] }[]).map((c) => [c.conversation_id, c]));
      const plan = byId.get('demo-plan')!;
      expect(ids(plan.context)).toEqual(['demo-x1']);
      expect(plan.messages.map((m) => [m.id, ids(m.tool_calls), ids(m.context)])).toEqual([
        ['demo-m1', [], []],
        ['demo-m2', ['demo-t1'], []],
      ]);
      expect(byId.get('demo-exec')!.messages.find((m) => m.id === 'demo-m4')!.tool_calls.map((t) => t.id)).toEqual(['demo-t2', 'demo-t3']);
    });
  }

  it('prints them under their messages in text, and only what was asked for', async () => {
    const all = await cli('history', 'show', 'analyzer', '--all');
    expect(all.stdout.split('\n').map((line) => line.replace(/^\s+\d\d:\d\d:\d\d\s+/, '').slice(0, 30))).toEqual([
      expect.stringMatching(/^demo-analyze {2}analyzer/),
      '↳ context (tool ci): FAIL publ',
      'assistant executor (anthropic/',
      'assistant analyzer (openai/gpt',
      '↳ tool git_status({}) → {"untr',
      '',
    ]);
    const tools = await cli('history', 'show', 'analyzer', '--tools');
    expect(tools.stdout).toContain('↳ tool git_status');
    expect(tools.stdout).not.toContain('↳ context');
    const yaml = await cli('history', 'show', 'planner', '--context', '--format', 'yaml', '--page');
    expect(yaml.stdout).toContain('context:\n      - type: context\n        id: demo-x1');
    expect(yaml.stdout).not.toContain('tool_calls');
  });
});
