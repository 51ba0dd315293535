import { max } from 'drizzle-orm';
import type { Statements } from './dialect.js';
import type { CommonTables } from './schema/index.js';

// Entries keep their logging order across processes: every batch takes the next
// numbers of one counter in `historian_meta` and stores them as the entries' `seq`, which every
// read orders by after the timestamp. The logger's own seq starts at 1 in every process, so a
// second process logging at the same millisecond would otherwise be listed among the first's.

/** The `historian_meta` key of the highest `seq` handed out. */
const ORDER_KEY = 'last_seq';

/** The tables whose rows carry a `seq`. */
const ORDERED = ['messages', 'toolCalls', 'commands', 'context', 'runEvents', 'conversations'] as const;

/** The highest `seq` stored: where the counter starts in a database written before it existed. */
async function highestSeq(s: Statements, t: CommonTables): Promise<number> {
  let highest = 0;
  for (const key of ORDERED) {
    const [row] = await s.fields({ seq: max(t[key].seq) }, key);
    highest = Math.max(highest, Math.ceil(Number(row?.seq ?? 0)));
  }
  return highest;
}

/**
 * Takes `count` numbers of the store's order; returns the one before them (the batch's entries
 * are numbered `last + 1`…). On SQLite it runs in the batch's transaction, which holds the write
 * lock; on a server before the batch's, on its own, so no batch waits for another's commit (a
 * batch that then fails leaves a gap, which orders nothing wrongly).
 */
export async function reserveOrder(s: Statements, t: CommonTables, count: number): Promise<number> {
  for (;;) {
    const sum = await s.addToCounter(ORDER_KEY, count);
    if (sum !== undefined) return sum - count;
    // Two writers starting the counter at once: the second insert leaves the first's, and both count on.
    await s.insertNew('meta', [{ key: ORDER_KEY, value: String(await highestSeq(s, t)) }]);
  }
}
