import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, type Historian } from '../../src/index.js';
import type { ContractFixture, ContractOptions } from './history-contract.js';

const AT = '2026-11-26T09:00';
const usage = (prompt: number, completion: number, extra: { cache_read?: number; cache_write?: number; reasoning?: number }) => ({
  token_usage: { prompt, completion, ...extra },
});

/**
 * What a response carries besides its text (issue 14): cache and reasoning token sums in stats
 * and conversation totals, the lifecycle of a tool call, the finish reason, the response id and
 * the reasoning text. Run by `historyContract` for every readable provider.
 */
export function lifecycleContract(name: string, fixture: () => Promise<ContractFixture> | ContractFixture, options: ContractOptions): void {
  describe(`response details contract: ${name}`, () => {
    let current: ContractFixture;
    let historian: Historian;

    beforeEach(async () => {
      current = await fixture();
      historian = await createHistorian(current.storage, { flushInterval: 5 });
    });

    afterEach(async () => {
      await historian.close();
      await current.cleanup?.();
    });

    describe('cache and reasoning tokens', () => {
      beforeEach(async () => {
        const message = { type: 'message', conversation_id: 'cached', role: 'assistant', content: 'a', model: 'cm' } as const;
        historian.log({ ...message, cost_info: usage(100, 40, { cache_read: 60, cache_write: 10, reasoning: 25 }), timestamp: `${AT}:01.000Z` });
        historian.log({ ...message, cost_info: usage(50, 10, { cache_read: 5 }), timestamp: `${AT}:02.000Z` });
        // The next hour, so the sql provider reads one hour from its totals and the other from the messages.
        historian.log({ ...message, cost_info: usage(10, 5, { reasoning: 3 }), timestamp: '2026-11-26T10:30:00.000Z' });
        await historian.flush();
      });

      it('sums them in stats, over whole hours and window edges alike', async () => {
        const all = await historian.history().stats({ group_by: 'model' });
        expect(all.groups).toEqual([
          expect.objectContaining({ key: 'cm', messages: 3, prompt_tokens: 160, cache_read_tokens: 65, cache_write_tokens: 10, reasoning_tokens: 28 }),
        ]);
        const edges = await historian.history().stats({ group_by: 'hour', since: '2026-11-26T09:00:01.500Z', until: '2026-11-26T11:00:00.000Z' });
        expect(edges.groups.map((g) => [g.key, g.cache_read_tokens, g.cache_write_tokens, g.reasoning_tokens])).toEqual([
          ['2026-11-26T09:00Z', 5, 0, 0],
          ['2026-11-26T10:00Z', 0, 0, 3],
        ]);
      });

      it('sums them in conversation token totals', async () => {
        const [conversation] = await historian.history().conversations({ tokens: true });
        expect(conversation!.token_usage).toEqual({ total: 215, prompt: 160, completion: 55, cache_read: 65, cache_write: 10, reasoning: 28 });
      });
    });

    describe('finish reason, response id and reasoning', () => {
      const answer = { type: 'message', conversation_id: 'cut', role: 'assistant', model: 'fm' } as const;
      beforeEach(async () => {
        historian.log({ ...answer, id: 'cut-1', content: 'half an ans', finish_reason: 'length', response_id: 'resp_1', message_id: 'mine-1', reasoning: 'think\nmore', timestamp: `${AT}:20.000Z` });
        historian.log({ ...answer, id: 'whole', conversation_id: 'done', content: 'all of it', finish_reason: 'stop', timestamp: `${AT}:21.000Z` });
        historian.log({ ...answer, id: 'plain', conversation_id: 'done', content: 'no reason given', timestamp: `${AT}:22.000Z` });
        await historian.flush();
      });

      it('keeps them exactly as logged', async () => {
        const [message] = await historian.history().messages({ conversation_id: 'cut' });
        expect(message).toEqual({
          ...answer,
          id: 'cut-1',
          seq: expect.any(Number),
          content: 'half an ans',
          finish_reason: 'length',
          response_id: 'resp_1',
          message_id: 'mine-1',
          reasoning: 'think\nmore',
          timestamp: `${AT}:20.000Z`,
        });
        const [, plain] = await historian.history().messages({ conversation_id: 'done' });
        expect(plain).not.toHaveProperty('finish_reason');
        expect(plain).not.toHaveProperty('reasoning');
      });

      it('filters conversations by the finish reason of their messages', async () => {
        const cut = await historian.history().conversations({ finish_reason: 'length' });
        expect(cut.map((c) => [c.conversation_id, c.messages.map((m) => m.id)])).toEqual([['cut', ['cut-1']]]);
        const stopped = await historian.history().conversationsPage({ finish_reason: 'stop' });
        expect(stopped.total).toBe(1);
        expect(stopped.items.map((c) => c.messages.map((m) => m.id))).toEqual([['whole']]);
        expect(await historian.history().conversations({ finish_reason: 'content_filter' })).toEqual([]);
      });

      it('filters messages by finish reason, in a conversation and across them', async () => {
        expect((await historian.history().messages({ finish_reason: 'length' })).map((m) => m.id)).toEqual(['cut-1']);
        expect((await historian.history().messages({ conversation_id: 'done', finish_reason: 'stop' })).map((m) => m.id)).toEqual(['whole']);
        expect(await historian.history().messages({ conversation_id: 'done', finish_reason: 'length' })).toEqual([]);
      });
    });

    describe('tool call lifecycle', () => {
      const call = (conversation: string, result: unknown, at: string, extra: object = {}) =>
        ({ type: 'tool_call', conversation_id: conversation, message_id: 'asks', tool_call_id: 'call-1', tool_name: 'grep', args: { q: 'x' }, result, timestamp: `${AT}:${at}.000Z`, ...extra }) as const;
      const toolCalls = async () => {
        const found = [];
        for await (const entry of historian.history().entries({ types: ['tool_call'] })) found.push(entry);
        return found;
      };

      it('completes a call logged again with its tool_call_id: one entry, with the result', async () => {
        historian.log(call('c', null, '10', { id: 'first' }));
        await historian.flush();
        historian.log(call('c', { lines: 3 }, '12'));
        await historian.flush();
        expect(await toolCalls()).toEqual([expect.objectContaining({ id: 'first', conversation_id: 'c', tool_call_id: 'call-1', result: { lines: 3 }, timestamp: `${AT}:10.000Z` })]);
        expect((await historian.history().reset({})).tool_calls).toBe(1);
      });

      it('completes it within one batch too, keeps the first result, and keeps calls of other conversations or without an id apart', async () => {
        historian.log(call('c', null, '10', { id: 'first' }));
        historian.log(call('c', 'done', '11'));
        historian.log(call('c', 'late, ignored', '12'));
        historian.log(call('other', 'elsewhere', '13', { id: 'other' }));
        historian.log({ type: 'tool_call', conversation_id: 'c', message_id: 'asks', tool_name: 'ls', args: {}, result: 1, timestamp: `${AT}:14.000Z` });
        historian.log({ type: 'tool_call', conversation_id: 'c', message_id: 'asks', tool_name: 'ls', args: {}, result: 2, timestamp: `${AT}:15.000Z` });
        await historian.flush();
        const found = await toolCalls();
        expect(found.map((c) => [c.type === 'tool_call' && c.conversation_id, c.type === 'tool_call' && c.result])).toEqual([
          ['c', 'done'],
          ['other', 'elsewhere'],
          ['c', 1],
          ['c', 2],
        ]);
        expect(found[0]!.id).toBe('first');
        if (!options.persistent) return;
        // As stored: a document rewritten with the completed call, JSON Lines merged again on read.
        await historian.close();
        historian = await createHistorian(current.storage, { flushInterval: 5 });
        expect((await toolCalls()).map((c) => [c.id, c.type === 'tool_call' && c.result])).toEqual([
          ['first', 'done'],
          ['other', 'elsewhere'],
          [found[2]!.id, 1],
          [found[3]!.id, 2],
        ]);
      });
    });
  });
}
