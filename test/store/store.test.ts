import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryStamper } from '../../src/core/validate.js';
import { EntryStore } from '../../src/store/store.js';
import { storeReader } from '../../src/store/reader.js';
import type { Entry, EntryInput, MessageEntry } from '../../src/index.js';
import { entries } from '../file/arbitraries.js';

const given = (list: readonly Entry[]) => list.map((entry) => ({ entry, agent: null, fresh: false }));

/** Entries as a logger stamps them: generated ids, timestamps and seqs (one logger feeds a store). */
function stamped(inputs: readonly object[], stamper = new EntryStamper()): { entry: Entry; agent: null; fresh: boolean }[] {
  return inputs.map((input) => {
    const { id: _id, timestamp: _timestamp, seq: _seq, ...rest } = input as Record<string, unknown>;
    // A message's message_id defaults to its generated id; a tool call's is required.
    if (rest.type === 'message') delete rest.message_id;
    const entry = stamper.stamp(rest as EntryInput);
    return { entry, agent: null, fresh: stamper.lastIdGenerated };
  });
}

describe('compact entry store', () => {
  it('gives back every entry exactly as added (same keys, same values)', () => {
    fc.assert(
      fc.property(entries(30), (list) => {
        const store = new EntryStore();
        store.replaceAll(given(list));
        expect(store.entries).toStrictEqual(list);
      }),
      { numRuns: 300 },
    );
  });

  it('gives back entries whose ids, timestamps and message ids the logger stamped', () => {
    fc.assert(
      fc.property(entries(30), (list) => {
        const records = stamped(list);
        const store = new EntryStore();
        for (const record of records) store.add(record);
        expect(store.entries).toStrictEqual(records.map((r) => r.entry));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps timestamps outside four-digit years, and ids that only look generated', () => {
    const odd = [
      { type: 'message', id: 'x-1', seq: 2, timestamp: '+010000-01-01T00:00:00.000Z', conversation_id: 'c', content: '', role: 'user', message_id: 'x-1' },
      { type: 'message', id: 'x-2', seq: 2, timestamp: '-000001-12-31T23:59:59.999Z', conversation_id: 'c', content: '', role: 'user', message_id: 'other' },
      { type: 'command', id: '2', seq: 2, timestamp: '0000-01-01T00:00:00.000Z', agent_name: 'a', session_id: 's', command: 'ls' },
    ] as Entry[];
    const store = new EntryStore();
    store.replaceAll(given(odd));
    expect(store.entries).toStrictEqual(odd);
  });

  it('keeps a run fact whole, numbered within its session', () => {
    const store = new EntryStore();
    const fact = { type: 'run_started', id: 'f1', seq: 1, timestamp: '2026-11-29T10:00:00.000Z', session_id: 's', run_id: 'r', agent_name: 'a', user_input: 'hi' } as Entry;
    const stored = store.add({ entry: fact, agent: 'a', fresh: false });
    expect(stored).toStrictEqual({ ...fact, sequence: 1 });
    expect(store.entries).toStrictEqual([stored]);
  });

  it('selects by time window exactly as comparing the ISO strings does', async () => {
    const bound = fc.oneof(
      fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-01-02T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom('2026-01-01T12:00:00Z', '2026-01-01T12:00:00.000', '2026-01-01T12', '2026-01-01T12:00:00.0001Z', '2026'),
    );
    const times = fc.array(fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-01-02T00:00:00Z'), noInvalidDate: true }), { maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(times, fc.option(bound, { nil: undefined }), fc.option(bound, { nil: undefined }), async (dates, since, until) => {
        const store = new EntryStore();
        const list = dates.map(
          (date, i) => ({ type: 'message', id: `m${i}`, seq: i, timestamp: date.toISOString(), conversation_id: 'c', content: '', role: 'user' }) as MessageEntry,
        );
        store.replaceAll(given(list));
        const found = await storeReader(store).messages({ since, until });
        const expected = list.filter((m) => (since === undefined || m.timestamp >= since) && (until === undefined || m.timestamp <= until));
        expect(found.map((m) => m.id).sort()).toEqual(expected.map((m) => m.id).sort());
      }),
      { numRuns: 200 },
    );
  });

  it('ignores an id seen before, also one the logger generated', () => {
    const [first, second] = stamped([
      { type: 'message', conversation_id: 'c', content: 'a', role: 'user' },
      { type: 'message', conversation_id: 'c', content: 'b', role: 'user' },
    ]);
    const store = new EntryStore();
    store.add(first!);
    store.add(second!);
    expect(store.add({ entry: { ...first!.entry }, agent: null, fresh: false })).toBeUndefined();
    expect(store.entries).toHaveLength(2);
  });

  it('forgets an agent’s rows on reset and keeps the others', async () => {
    const stamper = new EntryStamper();
    const records = stamped([
      { type: 'conversation_start', conversation_id: 'a', agent_name: 'alpha' },
      { type: 'conversation_start', conversation_id: 'b', agent_name: 'beta' },
      { type: 'message', conversation_id: 'a', content: 'a1', role: 'user' },
      { type: 'message', conversation_id: 'b', content: 'b1', role: 'user' },
      { type: 'command', agent_name: 'alpha', session_id: 's', command: 'ls' },
    ], stamper);
    const store = new EntryStore();
    for (const record of records) store.add(record);
    expect(store.reset({ agent: 'alpha' })).toEqual({ conversations: 1, messages: 1, tool_calls: 0, commands: 1, context: 0, run_events: 0 });
    expect(store.entries.map((e) => e.type === 'message' && e.content)).toEqual([false, 'b1']);
    // Later than the rest, which may share one millisecond: `a` is then the newest conversation.
    const again = stamped([{ type: 'message', conversation_id: 'a', content: 'again', role: 'user' }], stamper)[0]!;
    again.entry.timestamp = new Date(Date.parse(again.entry.timestamp) + 60_000).toISOString();
    store.add(again);
    const conversations = await storeReader(store).conversations({});
    expect(conversations.map((c) => [c.conversation_id, c.messages.map((m) => m.content)])).toEqual([
      ['a', ['again']],
      ['b', ['b1']],
    ]);
  });

  it('answers across many chunks of rows as over the entries themselves', async () => {
    const inputs: object[] = [];
    for (let i = 0; i < 10_000; i++) {
      const conversation_id = `c${i % 37}`;
      if (i < 37) inputs.push({ type: 'conversation_start', conversation_id, agent_name: `agent${i % 5}` });
      else if (i % 101 === 0) inputs.push({ type: 'command', agent_name: `agent${i % 5}`, session_id: 's', command: `run ${i}` });
      else {
        const cost_info = i % 3 === 0 ? { token_usage: { prompt: i, completion: 1 }, total_cost: 0.5 } : undefined;
        inputs.push({ type: 'message', conversation_id, role: i % 2 ? 'assistant' : 'user', content: `m${i}`, model: i % 4 ? 'gpt' : undefined, cost_info });
      }
    }
    const records = stamped(inputs.map((input) => JSON.parse(JSON.stringify(input)) as object));
    const store = new EntryStore();
    for (const record of records) store.add(record);
    const logged = records.map((r) => r.entry);
    expect(store.entries).toStrictEqual(logged);

    const reader = storeReader(store);
    const messages = logged.filter((e): e is MessageEntry => e.type === 'message');
    const stats = await reader.stats({ group_by: 'model' });
    expect(stats.groups.map((g) => [g.key, g.messages, g.prompt_tokens])).toEqual([
      ['gpt', ...count(messages.filter((m) => m.model === 'gpt'))],
      [null, ...count(messages.filter((m) => m.model === undefined))],
    ]);
    const [newest] = await reader.conversations({ limit: 1 });
    expect(newest!.messages).toStrictEqual(messages.filter((m) => m.conversation_id === newest!.conversation_id));
    expect(await reader.commands({ limit: 2 })).toStrictEqual(logged.filter((e) => e.type === 'command').slice(-2).reverse());
  });
});

function count(messages: MessageEntry[]): [number, number] {
  return [messages.length, messages.reduce((sum, m) => sum + (m.cost_info?.token_usage?.prompt ?? 0), 0)];
}
