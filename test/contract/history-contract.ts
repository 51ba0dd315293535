import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, type Historian, type StorageInput } from '../../src/index.js';
import { SESSION } from './session.js';
import { orderContract } from './order-contract.js';
import { lifecycleContract } from './lifecycle-contract.js';
import { searchContract } from './search-contract.js';

/** A fresh, empty storage for one test, and how to remove it afterwards. */
export interface ContractFixture {
  storage: StorageInput;
  cleanup?: () => Promise<void> | void;
}

export interface ContractOptions {
  /** Whether history survives closing and reopening the provider (false for memory). */
  persistent: boolean;
}

const ids = (items: { conversation_id: string }[]) => items.map((c) => c.conversation_id);
const messageIds = (items: { id: string }[]) => items.map((m) => m.id);

/**
 * The provider contract: every readable provider, given the same logged session, answers
 * every query of SPEC §5 the same way. Call once per provider (and per dialect or format).
 */
export function historyContract(name: string, fixture: () => Promise<ContractFixture> | ContractFixture, options: ContractOptions): void {
  describe(`history contract: ${name}`, () => {
    let current: ContractFixture;
    let historian: Historian;

    const open = async () => createHistorian(current.storage, { flushInterval: 5 });

    beforeEach(async () => {
      current = await fixture();
      historian = await open();
      for (const entry of SESSION) historian.log(entry);
      await historian.flush();
    });

    afterEach(async () => {
      await historian.close();
      await current.cleanup?.();
    });

    describe('conversations', () => {
      it('lists every conversation newest first, each with its messages in order', async () => {
        const found = await historian.history().conversations();
        expect(ids(found)).toEqual(['c3', 'c2', 'c1', 'c4']);
        expect(messageIds(found[1]!.messages)).toEqual(['m3', 'm4', 'm5']);
        expect(found[0]).toMatchObject({ agent_name: 'analyzer', start_time: '2026-11-22T12:00:00.000Z' });
      });

      it('attributes a conversation without a start to its first logged message, whatever the timestamps', async () => {
        historian.log({ type: 'message', conversation_id: 'c8', role: 'user', content: 'late', name: 'bob', timestamp: '2026-11-23T10:00:02.000Z' });
        historian.log({ type: 'message', conversation_id: 'c8', role: 'user', content: 'early', name: 'alice', timestamp: '2026-11-23T10:00:01.000Z' });
        await historian.flush();
        const [c8] = await historian.history().conversations({ agent: 'bob' });
        expect(c8).toMatchObject({ conversation_id: 'c8', agent_name: 'bob', start_time: '2026-11-23T10:00:01.000Z' });
        expect(c8!.messages.map((m) => m.content)).toEqual(['early', 'late']);
        expect(await historian.history().conversations({ agent: 'alice' })).toEqual([]);
      });

      it('attributes a conversation without a start to the name of its message', async () => {
        const [loner] = await historian.history().conversations({ agent: 'loner' });
        expect(loner).toMatchObject({ conversation_id: 'c4', agent_name: 'loner', start_time: '2026-11-19T08:00:00.000Z' });
      });

      it('keeps every field of a message exactly as logged', async () => {
        const [c1] = await historian.history().conversations({ agent: 'planner' });
        expect(c1!.messages[1]).toEqual({
          type: 'message',
          id: 'm2',
          message_id: 'm2',
          seq: expect.any(Number),
          conversation_id: 'c1',
          role: 'assistant',
          name: 'planner',
          model: 'openai/gpt-4o',
          content: 'Step 1: build\nStep 2: test',
          cost_info: { token_usage: { total: 150, prompt: 100, completion: 50, cache_read: 20 }, total_cost: 0.0025 },
          response_time: 1.5,
          timestamp: '2026-11-20T10:00:05.000Z',
        });
        const [c3] = await historian.history().conversations({ agent: 'analyzer' });
        expect(c3!.messages[0]!.content).toBe('Résumé ✓ 数据 — "quoted"');
      });

      it('filters by agent', async () => {
        expect(ids(await historian.history().conversations({ agent: 'executor' }))).toEqual(['c2']);
        expect(await historian.history().conversations({ agent: 'nobody' })).toEqual([]);
      });

      it('bounds the start time with since and until (inclusive)', async () => {
        const found = await historian.history().conversations({ since: '2026-11-20T10:00:00Z', until: '2026-11-21T09:00:00Z' });
        expect(ids(found)).toEqual(['c2', 'c1']);
      });

      it('limits to the newest conversations', async () => {
        expect(ids(await historian.history().conversations({ limit: 2 }))).toEqual(['c3', 'c2']);
      });

      it('keeps only conversations and messages that match the query, case-insensitively', async () => {
        const found = await historian.history().conversations({ query: 'build' });
        expect(ids(found)).toEqual(['c2', 'c1']);
        expect(messageIds(found[0]!.messages)).toEqual(['m3', 'm4', 'm5']);
        expect(messageIds(found[1]!.messages)).toEqual(['m2']);
      });

      it('keeps only messages of the model', async () => {
        const found = await historian.history().conversations({ model: 'openai/gpt-4o' });
        expect(ids(found)).toEqual(['c2', 'c1']);
        expect(messageIds(found[0]!.messages)).toEqual(['m5']);
      });

      it('applies the limit after the message filters', async () => {
        expect(ids(await historian.history().conversations({ query: 'build', limit: 1 }))).toEqual(['c2']);
      });

      it('compacts to the first and last message', async () => {
        const [c3] = await historian.history().conversations({ agent: 'analyzer', compact: true });
        expect(messageIds(c3!.messages)).toEqual(['m6', 'm8']);
      });

      it('sums tokens over the passing messages when asked', async () => {
        const [c2] = await historian.history().conversations({ agent: 'executor', tokens: true });
        expect(c2!.token_usage).toEqual({ total: 330, prompt: 220, completion: 110, cache_read: 0, cache_write: 40, reasoning: 10 });
        const [c3] = await historian.history().conversations({ agent: 'analyzer', tokens: true });
        expect(c3!.token_usage).toEqual({ total: 0, prompt: 0, completion: 0, cache_read: 0, cache_write: 0, reasoning: 0 });
        const [plain] = await historian.history().conversations({ agent: 'executor' });
        expect(plain).not.toHaveProperty('token_usage');
      });
    });

    describe('messages', () => {
      it('lists a conversation in order', async () => {
        expect(messageIds(await historian.history().messages({ conversation_id: 'c2' }))).toEqual(['m3', 'm4', 'm5']);
      });

      it("filters by the conversation's agent, optionally counting forwarded_from", async () => {
        expect(messageIds(await historian.history().messages({ agents: ['planner'] }))).toEqual(['m1', 'm2']);
        const forwarded = await historian.history().messages({ agents: ['planner'], include_forwarded: true });
        expect(messageIds(forwarded)).toEqual(['m1', 'm2', 'm5']);
      });

      it('filters by role, content and time, and keeps the newest within the limit', async () => {
        const history = historian.history();
        expect(messageIds(await history.messages({ roles: ['user'] }))).toEqual(['m9', 'm1', 'm3', 'm6']);
        expect(messageIds(await history.messages({ contains: 'BUILD' }))).toEqual(['m2', 'm3', 'm4', 'm5']);
        expect(messageIds(await history.messages({ since: '2026-11-22T00:00:00Z' }))).toEqual(['m6', 'm7', 'm8']);
        expect(messageIds(await history.messages({ until: '2026-11-19T23:00:00Z' }))).toEqual(['m9']);
        expect(messageIds(await history.messages({ limit: 2 }))).toEqual(['m7', 'm8']);
      });
    });

    describe('pages', () => {
      it('pages conversations with the total count, filters included', async () => {
        const history = historian.history();
        const all = (await history.conversations()).map((c) => c.conversation_id);
        const second = await history.conversationsPage({ limit: 2, offset: 1 });
        expect({ ...second, items: second.items.map((c) => c.conversation_id) }).toEqual({ items: all.slice(1, 3), total: all.length, has_more: true });
        const filtered = await history.conversationsPage({ model: 'openai/gpt-4o', offset: 1 });
        const withModel = (await history.conversations({ model: 'openai/gpt-4o' })).map((c) => c.conversation_id);
        expect({ ...filtered, items: filtered.items.map((c) => c.conversation_id) }).toEqual({ items: withModel.slice(1), total: withModel.length, has_more: false });
        expect(await history.conversationsPage({ agent: 'nobody' })).toEqual({ items: [], total: 0, has_more: false });
      });

      it('pages commands with the total count', async () => {
        const page = await historian.history().commandsPage({ limit: 1, offset: 1 });
        expect({ ...page, items: page.items.map((c) => c.command) }).toEqual({ items: ['deploy'], total: 3, has_more: true });
        expect((await historian.history().commands({ offset: 2 })).map((c) => c.command)).toEqual(['deploy --dry-run']);
      });
    });

    describe('stats', () => {
      it('groups by agent with message counts, tokens, cost and models', async () => {
        const stats = await historian.history().stats({ group_by: 'agent', since: '2026-11-01T00:00:00Z', until: '2026-11-30T00:00:00Z' });
        expect(stats).toMatchObject({ group_by: 'agent', since: '2026-11-01T00:00:00.000Z', until: '2026-11-30T00:00:00.000Z' });
        expect(stats.groups.map((g) => g.key)).toEqual(['analyzer', 'executor', 'loner', 'planner']);
        const executor = stats.groups[1]!;
        expect(executor).toMatchObject({ messages: 3, total_tokens: 330, prompt_tokens: 220, completion_tokens: 110 });
        expect(executor.cost).toBeCloseTo(0.0105, 10);
        expect(executor.models).toEqual(['anthropic/claude-sonnet-4', 'openai/gpt-4o']);
        expect(stats.groups[0]).toMatchObject({ messages: 3, total_tokens: 0, cost: 0, models: [] });
      });

      it('groups by model, messages without a model under a null key last', async () => {
        const stats = await historian.history().stats({ group_by: 'model' });
        expect(stats.groups.map((g) => [g.key, g.messages])).toEqual([
          ['anthropic/claude-sonnet-4', 1],
          ['openai/gpt-4o', 2],
          [null, 6],
        ]);
        expect(stats.groups[1]!.cost).toBeCloseTo(0.003, 10);
        expect(stats.since).toBeNull();
      });

      it('groups by hour and by day', async () => {
        const byDay = await historian.history().stats({ group_by: 'day' });
        expect(byDay.groups.map((g) => [g.key, g.messages])).toEqual([
          ['2026-11-19', 1],
          ['2026-11-20', 2],
          ['2026-11-21', 3],
          ['2026-11-22', 3],
        ]);
        const byHour = await historian.history().stats({ group_by: 'hour', agent: 'executor' });
        expect(byHour.groups.map((g) => [g.key, g.messages])).toEqual([
          ['2026-11-21T09:00Z', 2],
          ['2026-11-21T10:00Z', 1],
        ]);
      });

      it('counts a message logged twice with the same id once', async () => {
        const twice = { type: 'message', id: 'dup-1', conversation_id: 'dup', role: 'assistant', content: 'once', model: 'dup-model', timestamp: '2026-11-24T08:00:00.000Z' } as const;
        historian.log(twice);
        historian.log(twice);
        await historian.flush();
        historian.log(twice);
        await historian.flush();
        const stats = await historian.history().stats({ group_by: 'model' });
        expect(stats.groups.find((g) => g.key === 'dup-model')?.messages).toBe(1);
      });

      it('keeps and counts a cost that came without token usage, counting no tokens for it', async () => {
        const priced = { type: 'message', id: 'cost-1', conversation_id: 'cost', role: 'assistant', content: 'priced', model: 'cost-model' } as const;
        historian.log({ ...priced, cost_info: { total_cost: 0.25 }, timestamp: '2026-11-24T09:00:00.000Z' });
        await historian.flush();
        const [conversation] = await historian.history().conversations({ model: 'cost-model', tokens: true });
        expect(conversation!.messages[0]!.cost_info).toEqual({ total_cost: 0.25 });
        expect(conversation!.token_usage).toEqual({ total: 0, prompt: 0, completion: 0, cache_read: 0, cache_write: 0, reasoning: 0 });
        const stats = await historian.history().stats({ group_by: 'model' });
        expect(stats.groups.find((g) => g.key === 'cost-model')).toMatchObject({ messages: 1, total_tokens: 0, prompt_tokens: 0, completion_tokens: 0, cost: 0.25 });
      });

      it("counts a conversation's earlier messages under the agent that starts it later", async () => {
        historian.log({ type: 'message', conversation_id: 'late', role: 'user', content: 'before the start', timestamp: '2026-11-23T08:00:00.000Z' });
        historian.log({ type: 'message', conversation_id: 'late', role: 'assistant', content: 'still before', timestamp: '2026-11-23T08:00:01.000Z' });
        await historian.flush();
        historian.log({ type: 'conversation_start', conversation_id: 'late', agent_name: 'latecomer', timestamp: '2026-11-23T07:59:00.000Z' });
        historian.log({ type: 'message', conversation_id: 'late', role: 'user', content: 'after the start', timestamp: '2026-11-23T08:00:02.000Z' });
        await historian.flush();
        const stats = await historian.history().stats({ group_by: 'agent', agent: 'latecomer' });
        expect(stats.groups.map((g) => [g.key, g.messages])).toEqual([['latecomer', 3]]);
      });

      it('counts only messages inside the window', async () => {
        const stats = await historian.history().stats({ group_by: 'agent', since: '2026-11-21T09:15:00Z', until: '2026-11-21T12:00:00Z' });
        expect(stats.groups.map((g) => [g.key, g.messages])).toEqual([['executor', 2]]);
        // Whole hours, a window that ends just before the next, and one inside a single hour.
        const hourly = (since: string, until: string) => historian.history().stats({ group_by: 'model', agent: 'executor', since, until });
        const counts = async (since: string, until: string) => (await hourly(since, until)).groups.map((g) => [g.key, g.messages, g.total_tokens]);
        const whole = await counts('2026-11-21T09:00:00Z', '2026-11-21T10:59:59.999Z');
        expect(whole).toEqual(await counts('2026-11-21T08:59:59.999Z', '2026-11-21T11:00:00Z'));
        expect(whole.reduce((n, [, messages]) => n + (messages as number), 0)).toBe(3);
        expect((await counts('2026-11-21T09:00:00.001Z', '2026-11-21T09:00:00.002Z')).length).toBe(0);
      });
    });

    describe('commands', () => {
      it('lists commands newest first, by agent or session, within the limit', async () => {
        const history = historian.history();
        expect((await history.commands()).map((c) => c.command)).toEqual(['make test', 'deploy', 'deploy --dry-run']);
        expect((await history.commands({ agent: 'planner', limit: 1 })).map((c) => c.command)).toEqual(['deploy']);
        const [first] = await history.commands({ session: 's1', limit: 5 }).then((c) => c.slice(-1));
        expect(first).toMatchObject({ command: 'deploy --dry-run', context_type: 'shell', metadata: { exit: 0 } });
      });
    });

    describe('entries', () => {
      it('streams every entry in logging order, filtered by type and time', async () => {
        const all = [];
        for await (const entry of historian.history().entries()) all.push(entry);
        expect(all).toHaveLength(SESSION.length);
        expect(all.map((e) => e.timestamp)).toEqual([...all.map((e) => e.timestamp)].sort());
        const tools = [];
        for await (const entry of historian.history().entries({ types: ['tool_call', 'context'] })) tools.push(entry);
        expect(tools).toMatchObject([
          { type: 'tool_call', tool_name: 'search', args: { q: 'release checklist', top: 3 }, result: { hits: ['a', 'b'] } },
          { type: 'context', content: 'Release notes draft', metadata: { source: 'wiki' } },
        ]);
      });

      it("streams one agent's, one session's or some conversations' entries", async () => {
        const read = async (query: Parameters<ReturnType<Historian['history']>['entries']>[0]) => {
          const found: string[] = [];
          for await (const e of historian.history().entries(query)) found.push(e.type === 'command' ? e.command : e.type === 'message' ? e.id : `${e.type} ${'conversation_id' in e ? e.conversation_id : ''}`);
          return found;
        };
        expect(await read({ agent: 'planner' })).toEqual(['conversation_start c1', 'm1', 'm2', 'tool_call c1', 'context c1', 'deploy --dry-run', 'deploy']);
        // A conversation without a start belongs to the agent its first message was attributed to.
        expect(await read({ agent: 'loner' })).toEqual(['m9']);
        expect(await read({ session: 's2' })).toEqual(['make test']);
        expect(await read({ conversations: ['c1', 'c3'], types: ['tool_call', 'context', 'message'], since: '2026-11-20T10:00:02Z' })).toEqual(['m2', 'tool_call c1', 'context c1', 'm6', 'm7', 'm8']);
        expect(await read({ agent: 'executor', conversations: ['c1', 'c2'], types: ['message'] })).toEqual(['m3', 'm4', 'm5']);
        expect(await read({ conversations: [] })).toEqual([]);
      });
    });

    describe('a repeated conversation_start', () => {
      const start = (agent_name: string, timestamp: string) => ({ type: 'conversation_start' as const, conversation_id: 'c9', agent_name, timestamp });
      const say = (timestamp: string) => ({ type: 'message' as const, conversation_id: 'c9', role: 'user', content: 'again', timestamp });

      it('is decided by the last one, in one batch: its agent and its start time', async () => {
        historian.log(start('first', '2026-11-23T10:00:00.000Z'));
        historian.log(say('2026-11-23T10:00:01.000Z'));
        historian.log(start('second', '2026-11-23T10:00:02.000Z'));
        await historian.flush();
        const [c9] = await historian.history().conversations({ agent: 'second' });
        expect(c9).toMatchObject({ conversation_id: 'c9', agent_name: 'second', start_time: '2026-11-23T10:00:02.000Z' });
        expect(await historian.history().conversations({ agent: 'first' })).toEqual([]);
      });

      it('is decided by the last one across batches, and an earlier one logged late does not undo it', async () => {
        historian.log(start('first', '2026-11-23T10:00:00.000Z'));
        await historian.flush();
        historian.log(start('second', '2026-11-23T10:00:02.000Z'));
        await historian.flush();
        historian.log(start('stale', '2026-11-23T09:59:00.000Z'));
        await historian.flush();
        const [c9] = await historian.history().conversations({ agent: 'second' });
        expect(c9).toMatchObject({ agent_name: 'second', start_time: '2026-11-23T10:00:02.000Z' });
      });
    });

    describe('writes', () => {
      it('does not duplicate an entry logged twice with the same id', async () => {
        historian.log(SESSION[1]!);
        await historian.flush();
        expect(messageIds(await historian.history().messages({ conversation_id: 'c1' }))).toEqual(['m1', 'm2']);
      });
    });

    describe('reset', () => {
      it("deletes one agent's conversations with their messages, tool calls, context and commands", async () => {
        const deleted = await historian.history().reset({ agent: 'planner' });
        expect(deleted).toEqual({ conversations: 1, messages: 2, tool_calls: 1, commands: 2, context: 1, run_events: 0 });
        expect(ids(await historian.history().conversations())).toEqual(['c3', 'c2', 'c4']);
        expect((await historian.history().commands()).map((c) => c.agent_name)).toEqual(['executor']);
      });

      it('deletes nothing from a store nothing was written to', async () => {
        const empty = await fixture();
        const other = await createHistorian(empty.storage, { flushInterval: 5 });
        try {
          expect(await other.history().reset({})).toEqual({ conversations: 0, messages: 0, tool_calls: 0, commands: 0, context: 0, run_events: 0 });
          expect(await other.history().conversations()).toEqual([]);
        } finally {
          await other.close();
          await empty.cleanup?.();
        }
      });

      it('deletes everything', async () => {
        const deleted = await historian.history().reset({});
        expect(deleted).toEqual({ conversations: 4, messages: 9, tool_calls: 1, commands: 3, context: 1, run_events: 0 });
        expect(await historian.history().conversations()).toEqual([]);
        historian.logMessage({ conversation_id: 'c9', role: 'user', content: 'after reset' });
        await historian.flush();
        expect(ids(await historian.history().conversations())).toEqual(['c9']);
      });
    });

    if (options.persistent) {
      it('keeps history across close and reopen', async () => {
        await historian.close();
        historian = await open();
        expect(ids(await historian.history().conversations())).toEqual(['c3', 'c2', 'c1', 'c4']);
        historian.log(SESSION[1]!);
        await historian.flush();
        expect(messageIds(await historian.history().messages({ conversation_id: 'c1' }))).toEqual(['m1', 'm2']);
      });
    }
  });
  orderContract(name, fixture, options);
  lifecycleContract(name, fixture, options);
  searchContract(name, fixture);
}
