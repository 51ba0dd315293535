import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistorian, type Entry, type Historian, type HistoryFeed } from '../../src/index.js';
import { freshPgSchema } from '../contract/pg-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-feed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AT = '2026-11-20T10:00:00.000Z';

function logMessages(historian: Historian, from: number, count: number, timestamp = AT): void {
  for (let i = from; i < from + count; i++) historian.log({ type: 'message', id: `m${i}`, conversation_id: 'c', role: 'user', content: `message ${i}`, timestamp });
}

/** Every entry after `position`, asking until nothing is new; and the position after them. */
async function drain(feed: HistoryFeed, position: unknown): Promise<{ ids: string[]; position: unknown }> {
  const ids: string[] = [];
  for (;;) {
    const next = await feed.after(position);
    position = next.position;
    if (next.entries.length === 0) return { ids, position };
    ids.push(...next.entries.map((entry: Entry) => entry.id));
  }
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => `m${from + i}`);

const stores: [string, () => Promise<{ url?: string; path?: string; drop?: () => Promise<void> }>, boolean][] = [
  ['SQLite (by rowid)', async () => ({ url: `sqlite:///${join(dir, 'feed.db')}` }), true],
  ['JSON Lines (by line)', async () => ({ path: join(dir, 'feed.jsonl') }), true],
  ['PGlite (by key)', async () => ({ url: 'pglite://memory' }), false],
];
const pg = process.env.HISTORIAN_TEST_PG_URL;
if (pg) stores.push(['PostgreSQL (by key)', () => freshPgSchema(pg), false]);

describe.each(stores)('the entry feed of %s', (_name, open, byPosition) => {
  it('gives what was stored up to a position, then exactly what came after it, in order, each once', async () => {
    const store = await open();
    const provider = store.path ? { type: 'file' as const, path: store.path } : { type: 'sql' as const, url: store.url! };
    const historian = await createHistorian({ providers: [provider] }, { batchSize: 5000 });
    try {
      logMessages(historian, 0, 3);
      await historian.flush();
      const feed = historian.history().feed!;
      const start = await feed.end();
      // Stored after the position: the same timestamp, then more than a page in one burst.
      logMessages(historian, 3, 2);
      await historian.flush();
      const before: string[] = [];
      for await (const entry of feed.upTo({}, start)) before.push(entry.id);
      expect(before).toEqual(range(0, 3));
      const first = await drain(feed, start);
      expect(first.ids).toEqual(range(3, 2));
      logMessages(historian, 5, 2500, '2026-11-20T10:00:01.000Z');
      await historian.flush();
      const burst = await drain(feed, first.position);
      expect(burst.ids).toEqual(range(5, 2500));
      expect((await drain(feed, burst.position)).ids).toEqual([]);
      if (byPosition) {
        logMessages(historian, 2505, 1, '2026-11-20T09:00:00.000Z');
        await historian.flush();
        expect((await drain(feed, burst.position)).ids).toEqual(['m2505']);
      }
    } finally {
      await historian.close();
      await store.drop?.();
    }
  });
});
