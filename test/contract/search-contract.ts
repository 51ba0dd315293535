import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, type Historian } from '../../src/index.js';
import type { ContractFixture } from './history-contract.js';

/** Message contents that differ by Unicode case, punctuation that LIKE reads as wildcards or escapes, and length. */
const CONTENTS = [
  'Die Straße ist lang',
  'ÉCOLE normale',
  'une école primaire',
  'party 🎉 time',
  '数据库索引很快',
  '100% done',
  '100 percent done',
  'snake_case name',
  'snakeXcase name',
  "it's a quote",
  'say "hi" twice',
  'C:\\temp\\new',
  'C:/temp/new',
  'AB',
  'x',
  'MiXeD CaSe WoRdS',
];

/** Needles: full words, other case, wildcards and escapes taken literally, 1–2 code point ones. */
const NEEDLES = ['straße', 'STRASSE', 'école', 'École', 'ÉCOLE', '🎉', '🎉 t', '据库', '数据库索引', '%', '100%', '_', 'e_c', "'", '"hi"', '\\', '\\temp\\', 'ab', 'x', 'mixed case', 'nowhere at all'];

/** What every provider answers: the messages whose content, lower-cased, holds the lower-cased needle. */
const expected = (needle: string) => CONTENTS.flatMap((content, i) => (content.toLowerCase().includes(needle.toLowerCase()) ? [`s${i}`] : []));

/**
 * Text search (`query` of conversations, `contains` of messages) answers the same on every
 * provider, whatever index a database searches with. Run by `historyContract`.
 */
export function searchContract(name: string, fixture: () => Promise<ContractFixture> | ContractFixture): void {
  describe(`search contract: ${name}`, () => {
    let current: ContractFixture;
    let historian: Historian;

    beforeEach(async () => {
      current = await fixture();
      historian = await createHistorian(current.storage, { flushInterval: 5 });
      CONTENTS.forEach((content, i) => {
        const timestamp = new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString();
        historian.log({ type: 'message', id: `s${i}`, conversation_id: `sc${i}`, role: 'user', content, name: 'searcher', timestamp });
      });
      await historian.flush();
    });

    afterEach(async () => {
      await historian.close();
      await current.cleanup?.();
    });

    it.each(NEEDLES)('finds %j as a case-insensitive substring, wildcards literal', async (needle) => {
      const history = historian.history();
      const messages = await history.messages({ contains: needle });
      expect(messages.map((m) => m.id)).toEqual(expected(needle));
      const conversations = await history.conversations({ query: needle });
      expect(conversations.map((c) => c.conversation_id).sort()).toEqual(expected(needle).map((id) => `sc${id.slice(1)}`).sort());
      expect((await history.conversationsPage({ query: needle })).total).toBe(expected(needle).length);
    });
  });
}
