import { and, asc, desc, not, sql, type SQL } from 'drizzle-orm';
import type { Entry } from '../../core/entries.js';
import type { EntryFeed } from '../../core/queries.js';
import { byLogOrder } from '../../store/store.js';
import type { SqlBackend } from './dialect.js';
import { cursorOf, PAGE_SIZE, readEntries, tableSources, type Cursor, type EntryTable, type Source } from './read-entries.js';

const TABLES: readonly EntryTable[] = ['conversations', 'messages', 'toolCalls', 'commands', 'context', 'runEvents'];

/** Per table, the last rowid followed (SQLite). */
type RowidPosition = Readonly<Record<EntryTable, number>>;

/** Per table, the (timestamp, seq, id) of the last row followed, or null before the first. */
type KeyPosition = Readonly<Record<EntryTable, Cursor | null>>;

async function perTable<T>(read: (table: EntryTable) => Promise<T>): Promise<Record<EntryTable, T>> {
  const values = await Promise.all(TABLES.map(read));
  return Object.fromEntries(TABLES.map((table, i) => [table, values[i]])) as Record<EntryTable, T>;
}

/**
 * Follows SQLite by rowid. One writer at a time allocates rowids, each above every rowid stored,
 * and commits them at once: once a rowid is seen, every smaller one is stored too, so the rows
 * after a position are exactly those above its rowids, found by a range of the table's b-tree.
 */
function rowidFeed(backend: SqlBackend): EntryFeed {
  const sources = tableSources(backend);
  const lastRowid = async (table: EntryTable) => (await backend.statements.fields({ last: sql<number>`coalesce(max(rowid), 0)`.mapWith(Number) }, table))[0]!.last;
  const end = () => perTable(lastRowid);
  /** The rows of the first rowid range above `at` (at most a page) holding any, up to `last`. */
  async function rowsAfter(source: Source, at: number, last: number): Promise<{ entries: Entry[]; at: number }> {
    while (at < last) {
      const to = Math.min(last, at + PAGE_SIZE);
      const entries = await source.page(and(source.where, sql`rowid > ${at}`, sql`rowid <= ${to}`), [sql`rowid`]);
      at = to;
      if (entries.length > 0) return { entries, at };
    }
    return { entries: [], at };
  }
  return {
    end,
    upTo: (query, to) => readEntries(backend, query, (table) => sql`rowid <= ${(to as RowidPosition)[table]}`),
    async after(from) {
      const start = from as RowidPosition;
      const now = await end();
      const entries: Entry[] = [];
      const position = await perTable(async (table) => {
        // A reset deletes rows, and SQLite then hands out their rowids again: follow from what is left.
        const found = await rowsAfter(sources[table], Math.min(start[table], now[table]), now[table]);
        entries.push(...found.entries);
        return found.at;
      });
      return { entries: entries.sort(byLogOrder), position };
    },
  };
}

/**
 * Follows PostgreSQL and MySQL by (timestamp, seq, id), the key their tables are ordered by:
 * neither has a rowid, and the schema has no column that grows in commit order, so a row
 * stored later with a timestamp older than the position is not seen.
 */
function keyFeed(backend: SqlBackend): EntryFeed {
  const sources = tableSources(backend);
  const { dialect } = backend;
  const lastKey = async (table: EntryTable) => {
    const source = sources[table];
    const [last] = await source.page(source.where, source.order.map((column) => desc(column)), 1);
    return last ? cursorOf(last) : null;
  };
  return {
    end: () => perTable(lastKey),
    upTo(query, to) {
      const position = to as KeyPosition;
      return readEntries(backend, query, (table): SQL => {
        const key = position[table];
        return key === null ? sql`1 = 0` : not(dialect.after(sources[table].order, key));
      });
    },
    async after(from) {
      const start = from as KeyPosition;
      const entries: Entry[] = [];
      const position = await perTable(async (table) => {
        const source = sources[table];
        const key = start[table];
        const page = await source.page(and(source.where, key === null ? undefined : dialect.after(source.order, key)), source.order.map((column) => asc(column)));
        entries.push(...page);
        return page.length === 0 ? key : cursorOf(page[page.length - 1]!);
      });
      return { entries: entries.sort(byLogOrder), position };
    },
  };
}

/** How a database is followed: by rowid on SQLite, by its ordering key elsewhere. */
export function entryFeed(backend: SqlBackend): EntryFeed {
  return backend.dialect.family === 'sqlite' ? rowidFeed(backend) : keyFeed(backend);
}
