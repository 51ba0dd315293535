import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistorian, EntryError, type EntryInput } from '../../src/index.js';
import { everyProvider, READABLE } from './every-provider.js';

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const toolCall = (args: Record<string, unknown>, result: unknown = null): EntryInput => ({
  type: 'tool_call',
  conversation_id: 'c1',
  message_id: 'm1',
  tool_name: 'calc',
  args,
  result,
});

describe('values that providers would change silently', () => {
  it('are refused at log(), naming the field: non-finite numbers, BigInt, __proto__ keys', async () => {
    const historian = await createHistorian({ providers: [{ type: 'memory' }] });
    const cases: [EntryInput, RegExp][] = [
      [toolCall({ score: Infinity }), /args\.score: Infinity is not a JSON number/],
      [toolCall({}, { ratio: NaN }), /result\.ratio: NaN is not a JSON number/],
      [toolCall({ list: [1, -Infinity] }), /args\.list\[1\]: -Infinity is not a JSON number/],
      [toolCall({ big: 10n }), /args\.big: a BigInt is not a JSON value/],
      [toolCall(JSON.parse('{"__proto__": {"polluted": true}}')), /args\.__proto__: the key __proto__ is not allowed/],
      [{ type: 'command', agent_name: 'a', session_id: 's', command: 'x', metadata: JSON.parse('{"a":{"__proto__":1}}') }, /metadata\.a\.__proto__/],
    ];
    for (const [entry, message] of cases) {
      expect(() => historian.log(entry)).toThrow(EntryError);
      expect(() => historian.log(entry)).toThrow(message);
    }
    expect(await historian.history().messages({})).toEqual([]);
    await historian.close();
  });

  it('are stored the same by every provider: lone surrogates become U+FFFD, NUL and rare characters are kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'historian-values-'));
    folders.push(dir);
    const historian = await createHistorian({ providers: everyProvider(dir) });
    historian.logConversationStart({ conversation_id: 'c1', agent_name: 'planner' });
    const logged = historian.logMessage({ conversation_id: 'c1', role: 'user', content: 'lone \uD800 high, \uDC00 low, pair 😀, NUL \u0000, \uFFFE, \u2028' });
    expect(logged.type === 'message' && logged.content).toBe('lone \uFFFD high, \uFFFD low, pair 😀, NUL \u0000, \uFFFE, \u2028');
    historian.logToolCall({ conversation_id: 'c1', message_id: 'm1', tool_name: 'calc', args: { 'k\uD800': 'v\uDBFF', when: new Date('2026-11-29T10:00:00Z') }, result: [undefined, 1] });
    await historian.flush();
    const expected = {
      content: 'lone \uFFFD high, \uFFFD low, pair 😀, NUL \u0000, \uFFFE, \u2028',
      args: { 'k\uFFFD': 'v\uFFFD', when: '2026-11-29T10:00:00.000Z' },
      result: [null, 1],
    };
    for (const label of READABLE) {
      const [conversation] = await historian.history(label).conversations({ limit: 1 });
      expect(conversation?.messages[0]?.content, label).toBe(expected.content);
      const entries = [];
      for await (const entry of historian.history(label).entries({})) entries.push(entry);
      const call = entries.find((entry) => entry.type === 'tool_call');
      expect(call && call.type === 'tool_call' && [call.args, call.result], label).toEqual([expected.args, expected.result]);
    }
    await historian.close();
  }, 60_000);
});
