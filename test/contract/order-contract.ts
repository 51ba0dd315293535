import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, type Entry, type Historian } from '../../src/index.js';
import type { ContractFixture, ContractOptions } from './history-contract.js';

const AT = '2026-11-25T09:00:00.000Z';
const tied = (content: string) => ({ type: 'message', conversation_id: 'tie', role: 'user', content, model: 'tie-model', timestamp: AT }) as const;
const contents = (items: { content: string }[]) => items.map((m) => m.content);

/**
 * Order and identity: entries logged at the same millisecond read back in logging
 * order, also when another logger (another process) wrote some of them; a message logged again
 * with its `message_id` is stored and counted once. Run by `historyContract` for every provider.
 */
export function orderContract(name: string, fixture: () => Promise<ContractFixture> | ContractFixture, options: ContractOptions): void {
  describe(`order and identity contract: ${name}`, () => {
    let current: ContractFixture;
    let historian: Historian;
    const open = () => createHistorian(current.storage, { flushInterval: 5 });

    beforeEach(async () => {
      current = await fixture();
      historian = await open();
    });

    afterEach(async () => {
      await historian.close();
      await current.cleanup?.();
    });

    /** Every entry of the store, in the order the entries stream gives. */
    async function streamed(reader: Historian): Promise<Entry[]> {
      const found: Entry[] = [];
      for await (const entry of reader.history().entries({ types: ['message', 'command'] })) found.push(entry);
      return found;
    }

    async function expectLoggingOrder(reader: Historian, expected: string[]): Promise<void> {
      const history = reader.history();
      const [conversation] = await history.conversations({ agent: 'tie-agent' });
      expect(contents(conversation!.messages)).toEqual(expected);
      expect(contents(await history.messages({ conversation_id: 'tie' }))).toEqual(expected);
      expect(contents(await history.messages({ contains: 'tied' }))).toEqual(expected);
      expect(contents(await history.messages({ conversation_id: 'tie', limit: 2 }))).toEqual(expected.slice(-2));
      expect((await streamed(reader)).map((e) => (e.type === 'command' ? e.command : (e as { content: string }).content))).toEqual(expected.flatMap((c) => [c, `run ${c}`]));
      expect((await history.commands()).map((c) => c.command)).toEqual(expected.map((c) => `run ${c}`).reverse());
    }

    const logTied = (into: Historian, content: string) => {
      into.log(tied(content));
      into.log({ type: 'command', agent_name: 'tie-agent', session_id: 'tie', command: `run ${content}`, timestamp: AT });
    };

    it('reads entries logged at the same millisecond in logging order', async () => {
      historian.log({ type: 'conversation_start', conversation_id: 'tie', agent_name: 'tie-agent', timestamp: AT });
      for (const content of ['tied 1', 'tied 2', 'tied 3']) logTied(historian, content);
      await historian.flush();
      await expectLoggingOrder(historian, ['tied 1', 'tied 2', 'tied 3']);
    });

    if (options.persistent) {
      it('reads entries another logger wrote at the same millisecond in logging order, after a restart too', async () => {
        historian.log({ type: 'conversation_start', conversation_id: 'tie', agent_name: 'tie-agent', timestamp: AT });
        for (const content of ['tied 1', 'tied 2', 'tied 3']) logTied(historian, content);
        await historian.flush();
        // A second logger numbers its entries from 1 again, as another process would.
        const other = await open();
        logTied(other, 'tied 4');
        await other.close();
        logTied(historian, 'tied 5');
        await historian.flush();
        await expectLoggingOrder(historian, ['tied 1', 'tied 2', 'tied 3', 'tied 4', 'tied 5']);
        await historian.close();
        historian = await open();
        logTied(historian, 'tied 6');
        await historian.flush();
        await expectLoggingOrder(historian, ['tied 1', 'tied 2', 'tied 3', 'tied 4', 'tied 5', 'tied 6']);
      });
    }

    it('lists conversations that started at the same millisecond newest first by logging order, started or not', async () => {
      const ids = async (reader: Historian) => (await reader.history().conversations({ since: '2026-11-01T00:00:00Z' })).map((c) => c.conversation_id);
      // Ids against their logging order, so a tie broken by id alone gives the other order.
      historian.log({ type: 'conversation_start', conversation_id: 'z-first', agent_name: 'tie-agent', timestamp: AT });
      historian.log({ type: 'message', conversation_id: 'y-second', role: 'user', content: 'no start', timestamp: AT });
      historian.log({ type: 'conversation_start', conversation_id: 'x-third', agent_name: 'tie-agent', timestamp: AT });
      await historian.flush();
      expect(await ids(historian)).toEqual(['x-third', 'y-second', 'z-first']);
      if (!options.persistent) return;
      const other = await open();
      other.log({ type: 'message', conversation_id: 'w-fourth', role: 'user', content: 'from another logger', timestamp: AT });
      await other.close();
      await historian.close();
      historian = await open();
      expect(await ids(historian)).toEqual(['w-fourth', 'x-third', 'y-second', 'z-first']);
    });

    describe('a message logged again with its message_id', () => {
      const step = (content: string, timestamp: string) =>
        ({
          type: 'message',
          conversation_id: 'steps',
          message_id: 'resp-1',
          role: 'assistant',
          content,
          model: 'step-model',
          cost_info: { token_usage: { prompt: 100, completion: 20 }, total_cost: 0.5 },
          timestamp,
        }) as const;

      async function expectOnce(reader: Historian): Promise<void> {
        const history = reader.history();
        expect(contents(await history.messages({ conversation_id: 'steps' }))).toEqual(['from the step']);
        const [group] = (await history.stats({ group_by: 'model', since: '2026-11-01T00:00:00Z' })).groups.filter((g) => g.key === 'step-model');
        expect(group).toMatchObject({ messages: 1, total_tokens: 120, prompt_tokens: 100, completion_tokens: 20, cost: 0.5 });
        const [conversation] = await history.conversations({ query: 'from the' });
        expect(contents(conversation!.messages)).toEqual(['from the step']);
      }

      it('is stored and counted once, in one batch and in later ones', async () => {
        historian.log(step('from the step', '2026-11-25T10:00:00.000Z'));
        historian.log(step('from the finish', '2026-11-25T10:00:01.000Z'));
        await historian.flush();
        historian.log(step('from the finish, again', '2026-11-25T10:00:02.000Z'));
        await historian.flush();
        await expectOnce(historian);
      });

      it('is another message in another conversation (response ids need not be unique beyond one)', async () => {
        historian.log(step('from the step', '2026-11-25T10:00:00.000Z'));
        await historian.flush();
        historian.log({ ...step('elsewhere', '2026-11-25T10:00:01.000Z'), conversation_id: 'other-steps' });
        await historian.flush();
        const history = historian.history();
        expect(contents(await history.messages({ conversation_id: 'other-steps' }))).toEqual(['elsewhere']);
        const [group] = (await history.stats({ group_by: 'model', since: '2026-11-01T00:00:00Z' })).groups.filter((g) => g.key === 'step-model');
        expect(group).toMatchObject({ messages: 2, total_tokens: 240 });
      });

      if (options.persistent) {
        it('is stored and counted once when another logger logs it again', async () => {
          historian.log(step('from the step', '2026-11-25T10:00:00.000Z'));
          await historian.flush();
          const other = await open();
          other.log(step('from the other process', '2026-11-25T10:00:01.000Z'));
          await other.close();
          await expectOnce(historian);
          await historian.close();
          historian = await open();
          await expectOnce(historian);
        });
      }
    });
  });
}
