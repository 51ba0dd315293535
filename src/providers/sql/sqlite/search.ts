import type Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import type { SearchIndex, SearchReport, SqlBackend, Statements } from '../dialect.js';
import { recordSchemaVersion } from '../migrate.js';

// An FTS5 trigram index of the messages' content as `historian_lower` folds it (JavaScript's
// toLowerCase, what `containsText` compares), case-sensitive so FTS5 folds nothing of its own:
// every message whose folded content holds the folded needle holds all of the needle's
// trigrams, so the index never misses one, and the LIKE that follows it keeps only exact hits.
// Contentless (`content=''`): it stores no second copy of the text; `detail=none`: no
// positions either, the smallest index, which answers an AND of trigrams and no phrase.
//
// `search_indexed_to` in historian_meta is the rowid up to which every message is indexed: the
// write path indexes its batch's messages in the batch's transaction (one INSERT … SELECT: an
// insert trigger would make FTS5 flush a segment per row, five times slower), a build fills an
// existing store in batches, and a search scans the messages after it (none, once caught up).
// Deletes and content updates go through triggers.

const TABLE = 'messages_search';

/** The rowid up to which every message is indexed, in `historian_meta`. */
const INDEXED_TO = 'search_indexed_to';

/** Rows indexed per transaction while filling the index of an existing store: a few tens of ms of write lock. */
const BATCH_ROWS = 5_000;

/** A needle of fewer code points than this has no trigram: it is scanned for. */
const TRIGRAM = 3;

/** At most this many of a long needle's trigrams are looked up: a few already select the rows. */
const MAX_TRIGRAMS = 16;

const CREATE = [
  `CREATE VIRTUAL TABLE IF NOT EXISTS ${TABLE} USING fts5(body, tokenize='trigram case_sensitive 1', content='', contentless_delete=1, detail=none);`,
  `CREATE TRIGGER IF NOT EXISTS ${TABLE}_update AFTER UPDATE OF content ON messages BEGIN INSERT OR REPLACE INTO ${TABLE}(rowid, body) VALUES (new.rowid, historian_lower(new.content)); END;`,
  `CREATE TRIGGER IF NOT EXISTS ${TABLE}_delete AFTER DELETE ON messages BEGIN DELETE FROM ${TABLE} WHERE rowid = old.rowid; END;`,
];

/** Indexes the messages of `(from, to]`: OR REPLACE, so a rowid indexed already (taken again after a delete) is indexed anew. */
const fillSql = (from: number, to: number) =>
  `INSERT OR REPLACE INTO ${TABLE}(rowid, body) SELECT rowid, historian_lower(content) FROM messages WHERE rowid > ${from} AND rowid <= ${to};`;

/** The FTS5 query of a folded needle: its distinct trigrams (of code points: an emoji is one), each a quoted string, all required. */
function trigramQuery(folded: string): string | undefined {
  const points = [...folded];
  if (points.length < TRIGRAM) return undefined;
  const trigrams = new Set<string>();
  for (let i = 0; i + TRIGRAM <= points.length && trigrams.size < MAX_TRIGRAMS; i++) trigrams.add(points.slice(i, i + TRIGRAM).join(''));
  return [...trigrams].map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
}

/**
 * The messages (by rowid) that may hold a folded needle: those the index finds and those after
 * the rowid it reaches. Undefined when the needle is too short for the index.
 */
export function searchCandidates(folded: string): SQL | undefined {
  const query = trigramQuery(folded);
  if (query === undefined) return undefined;
  const reached = sql.raw(`coalesce((SELECT CAST(value AS INTEGER) FROM historian_meta WHERE key = '${INDEXED_TO}'), 0)`);
  return sql`("messages".rowid IN (SELECT rowid FROM ${sql.raw(TABLE)} WHERE ${sql.raw(TABLE)} MATCH ${query}) OR "messages".rowid > ${reached})`;
}

/**
 * What the write path does around a batch's messages, on one connection: `before` reads where
 * the index stands, `after` indexes from there: the batch's messages, and any a client other
 * than historian inserted since. Far behind (a build under way), it leaves them to the build.
 */
export function batchIndexer(client: Database.Database): { before(): number | undefined; after(from: number): void } {
  const reached = client.prepare(`SELECT CAST(value AS INTEGER) FROM historian_meta WHERE key = '${INDEXED_TO}'`).pluck();
  const last = client.prepare('SELECT coalesce(max(rowid), 0) FROM messages').pluck();
  let fill: Database.Statement | undefined;
  let mark: Database.Statement | undefined;
  return {
    before() {
      const to = reached.get() as number | undefined;
      if (to === undefined) return undefined;
      const stored = last.get() as number;
      return stored - to <= BATCH_ROWS ? Math.min(to, stored) : undefined;
    },
    after(from) {
      fill ??= client.prepare(`INSERT OR REPLACE INTO ${TABLE}(rowid, body) SELECT rowid, historian_lower(content) FROM messages WHERE rowid > ?`);
      mark ??= client.prepare(`UPDATE historian_meta SET value = CAST(max(CAST(value AS INTEGER), ?) AS TEXT) WHERE key = '${INDEXED_TO}'`);
      fill.run(from);
      mark.run(last.get());
    },
  };
}

async function indexedTo(s: Statements): Promise<number | undefined> {
  const [row] = await s.query<{ value: string }>(`SELECT value FROM historian_meta WHERE key = '${INDEXED_TO}'`);
  return row === undefined ? undefined : Number(row.value);
}

/** Where the index stands: undefined when there is none (or it lost its watermark). */
async function reach(s: Statements): Promise<{ to: number; end: number } | undefined> {
  const [live] = await s.query<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE name = '${TABLE}'`);
  const to = live!.n > 0 ? await indexedTo(s) : undefined;
  if (to === undefined) return undefined;
  const [last] = await s.query<{ end: number }>('SELECT coalesce(max(rowid), 0) AS "end" FROM messages');
  return { to, end: last!.end };
}

/** Creates the index and its triggers (the messages stored before are left to fill). */
async function create(s: Statements): Promise<void> {
  if ((await reach(s)) !== undefined) return;
  await s.execute(`DROP TABLE IF EXISTS ${TABLE};`);
  for (const statement of CREATE) await s.execute(statement);
  await s.setMeta(INDEXED_TO, '0');
  await recordSchemaVersion(s);
}

/** Indexes the next batch of messages the index has not reached; returns the progress, or undefined when caught up. */
async function fillBatch(s: Statements): Promise<[number, number] | undefined> {
  const { to: from, end } = (await reach(s)) ?? { to: 0, end: 0 };
  if (from >= end) return undefined;
  const to = Math.min(from + BATCH_ROWS, end);
  await s.execute(fillSql(from, to));
  await s.setMeta(INDEXED_TO, String(to));
  return [to, end];
}

/** SQLite's search index: FTS5 trigrams of the folded content. */
export const sqliteSearch: SearchIndex = {
  name: TABLE,
  present: (live) => live.tables.has(TABLE),
  createSql: [...CREATE, `INSERT INTO historian_meta (key, value) VALUES ('${INDEXED_TO}', '0');`],
  async recreate(s) {
    await s.execute(`DROP TABLE IF EXISTS ${TABLE};`);
    for (const statement of CREATE) await s.execute(statement);
    await s.setMeta(INDEXED_TO, '0');
  },
  async build(backend: SqlBackend, report: SearchReport) {
    // Caught up (every open but the first): no write transaction, so a reader takes no lock.
    const now = await reach(backend.statements);
    if (now !== undefined && now.to >= now.end) return true;
    await backend.transaction(create);
    for (;;) {
      const step = await backend.transaction(fillBatch);
      if (step === undefined) return true;
      report.progress?.(step[0], step[1]);
    }
  },
  narrows: (needle) => trigramQuery(needle.toLowerCase()) !== undefined,
  ready: async (s) => (await reach(s)) !== undefined,
};
