import type Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import type { SearchIndex, SearchReport, SqlBackend, Statements } from '../dialect.js';
import { recordSchemaVersion } from '../migrate.js';
import type { Follower } from './follower.js';

// An FTS5 trigram index of the messages' content as `historian_lower` folds it (JavaScript's
// toLowerCase, what `containsText` compares), case-sensitive so FTS5 folds nothing of its own:
// every message whose folded content holds the folded needle holds all of the needle's
// trigrams, so the index never misses one, and the LIKE that follows it keeps only exact hits.
// Contentless (`content=''`): it stores no second copy of the text; `detail=none`: no
// positions either, the smallest index, which answers an AND of trigrams and no phrase.
//
// `search_indexed_to` in historian_meta is the rowid up to which every message is indexed, and a
// search scans the messages after it, so results never depend on how far indexing got. The
// write path indexes a small batch's messages in the batch's transaction (one INSERT … SELECT:
// an insert trigger would make FTS5 flush a segment per row, five times slower) and leaves bulk
// writes to a follower thread (search-follower.js): tokenizing costs about half of what the
// rest of a write does, and the follower does it once the writes pause. A build fills an
// existing store in batches. Deletes and content updates go through triggers.

const TABLE = 'messages_search';

/** The rowid up to which every message is indexed, in `historian_meta`. */
const INDEXED_TO = 'search_indexed_to';

/** Rows indexed per transaction while filling the index of an existing store: a few tens of ms of write lock. */
const BATCH_ROWS = 5_000;

/** A needle of fewer code points than this has no trigram: it is scanned for. */
const TRIGRAM = 3;

/** At most this many of a long needle's trigrams are looked up: a few already select the rows. */
const MAX_TRIGRAMS = 16;

/** The newest message's rowid (0 when none). */
const NEWEST = 'SELECT coalesce(max(rowid), 0) FROM messages';

/** The watermark lowered to the newest message, when it is above it. */
const LOWER_TO_NEWEST = `UPDATE historian_meta SET value = CAST((${NEWEST}) AS TEXT) WHERE key = '${INDEXED_TO}' AND CAST(value AS INTEGER) > (${NEWEST});`;

const REUSE_TRIGGER = `${TABLE}_reuse`;
const CREATE_REUSE = `CREATE TRIGGER IF NOT EXISTS ${REUSE_TRIGGER} AFTER DELETE ON messages WHEN old.rowid > (${NEWEST}) BEGIN ${LOWER_TO_NEWEST} END;`;

/**
 * The index and its triggers. Deletes and content updates are followed row by row. And deleting
 * the newest messages lets the next inserts take their rowids again, at or below the watermark,
 * where a search would not scan them: the reuse trigger lowers the mark to the newest message
 * left, which keeps them in the scan until they are indexed. It runs only for a deleted row above
 * every row left, whoever deletes (a plain `sqlite3` shell too).
 */
const CREATE = [
  `CREATE VIRTUAL TABLE IF NOT EXISTS ${TABLE} USING fts5(body, tokenize='trigram case_sensitive 1', content='', contentless_delete=1, detail=none);`,
  `CREATE TRIGGER IF NOT EXISTS ${TABLE}_update AFTER UPDATE OF content ON messages BEGIN INSERT OR REPLACE INTO ${TABLE}(rowid, body) VALUES (new.rowid, historian_lower(new.content)); END;`,
  `CREATE TRIGGER IF NOT EXISTS ${TABLE}_delete AFTER DELETE ON messages BEGIN DELETE FROM ${TABLE} WHERE rowid = old.rowid; END;`,
  CREATE_REUSE,
];

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

/** Indexes the messages of `(from, to]`: OR REPLACE, so a rowid indexed already (taken again after a delete) is indexed anew. */
const fillSql = (from: string, to: string) =>
  `INSERT OR REPLACE INTO ${TABLE}(rowid, body) SELECT rowid, historian_lower(content) FROM messages WHERE rowid > ${from} AND rowid <= ${to}`;

/** The statements that index after the watermark: on the logging connection and in the follower thread. */
export const FOLLOW_SQL = {
  reached: `SELECT CAST(value AS INTEGER) FROM historian_meta WHERE key = '${INDEXED_TO}'`,
  last: NEWEST,
  fill: fillSql('?', '?'),
  mark: `UPDATE historian_meta SET value = CAST(CAST(? AS INTEGER) AS TEXT) WHERE key = '${INDEXED_TO}'`,
};

/**
 * Messages a follower thread indexes per transaction: about 25 ms of write lock, taken while the
 * logging thread is quiet (a write that comes meanwhile awaits it). Fewer, bigger chunks make
 * fewer FTS5 segments to merge: at 1,000 a catch-up took about a third longer.
 */
export const FOLLOW_CHUNK_ROWS = 5_000;

/**
 * How far behind the follower lets the index fall while the logging thread writes: beyond it,
 * it takes turns with that thread. A search scans what the index has not reached: about 15 ms
 * for this many messages.
 */
export const FOLLOW_LAG_ROWS = 100_000;

/** Up to this many messages after the watermark, a batch indexes them in its own transaction; more go to the follower. */
const INLINE_ROWS = 256;

/**
 * What the write path does around a batch's messages, on one connection. `before` reads where
 * the index stands; when messages above it were deleted, it lowers the watermark to the last
 * stored one, whose successors the batch reuses (the reuse trigger does so at the delete; this
 * covers a store opened without auto-migration, made before the trigger). `after` indexes from there: in the
 * batch's transaction when few messages are behind (an agent's turn), else in the follower
 * thread, which indexes bulk writes once they pause (write-turns.js). Without a follower
 * (`:memory:`, or one that failed) each batch indexes at most `BATCH_ROWS` messages, so a
 * backlog is caught up a batch at a time.
 */
export function batchIndexer(client: Database.Database, follower?: Follower): { before(): number | undefined; after(from: number): void } {
  const reached = client.prepare(FOLLOW_SQL.reached).pluck();
  const last = client.prepare(FOLLOW_SQL.last).pluck();
  const mark = client.prepare(FOLLOW_SQL.mark);
  let fill: Database.Statement | undefined;
  return {
    before() {
      const to = reached.get() as number | undefined;
      if (to === undefined) return undefined;
      const stored = last.get() as number;
      if (stored >= to) return to;
      mark.run(stored);
      return stored;
    },
    after(from) {
      const end = last.get() as number;
      if (end - from > INLINE_ROWS && follower?.wake()) return;
      const to = Math.min(end, from + BATCH_ROWS);
      fill ??= client.prepare(FOLLOW_SQL.fill);
      fill.run(from, to);
      mark.run(to);
    },
  };
}

/** Where the index stands: undefined when there is none (or it lost its watermark). */
async function reach(s: Statements): Promise<{ to: number; end: number } | undefined> {
  const [live] = await s.query<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE name = '${TABLE}'`);
  if (live!.n === 0) return undefined;
  const [row] = await s.query<{ to: number | null; end: number }>(`SELECT (${FOLLOW_SQL.reached}) AS "to", (${NEWEST}) AS "end"`);
  return row!.to === null ? undefined : { to: row!.to, end: row!.end };
}

/** Adds the reuse trigger to an index made before it (a read when it is there: no lock taken). */
async function addReuseTrigger(backend: SqlBackend): Promise<void> {
  const triggers = `SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name = '${REUSE_TRIGGER}'`;
  const [found] = await backend.statements.query<{ n: number }>(triggers);
  if (found!.n > 0 || (await reach(backend.statements)) === undefined) return;
  await backend.transaction(async (s) => {
    await s.execute(CREATE_REUSE);
    await s.execute(LOWER_TO_NEWEST);
  });
}

/** Drops what is left of an index and creates it empty, with its triggers. */
async function recreate(s: Statements): Promise<void> {
  await s.execute(`DROP TABLE IF EXISTS ${TABLE};`);
  for (const statement of CREATE) await s.execute(statement);
  await s.setMeta(INDEXED_TO, '0');
}

/** Creates the index when there is none (the messages stored before are left to fill). */
async function create(s: Statements): Promise<void> {
  if ((await reach(s)) !== undefined) return;
  await recreate(s);
  await recordSchemaVersion(s);
}

/** Indexes the next batch of messages the index has not reached; returns the progress, or undefined when caught up. */
async function fillBatch(s: Statements): Promise<[number, number] | undefined> {
  const { to: from, end } = (await reach(s)) ?? { to: 0, end: 0 };
  if (from >= end) return undefined;
  const to = Math.min(from + BATCH_ROWS, end);
  await s.execute(fillSql(String(from), String(to)));
  await s.setMeta(INDEXED_TO, String(to));
  return [to, end];
}

/** SQLite's search index: FTS5 trigrams of the folded content. */
export const sqliteSearch: SearchIndex = {
  name: TABLE,
  present: (live) => live.tables.has(TABLE),
  createSql: [...CREATE, `INSERT INTO historian_meta (key, value) VALUES ('${INDEXED_TO}', '0');`],
  recreate,
  async build(backend: SqlBackend, report: SearchReport) {
    await addReuseTrigger(backend);
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
