import { sql, type SQL } from 'drizzle-orm';
import type { SearchIndex, SearchReport, SqlBackend, Statements } from '../dialect.js';
import { recordSchemaVersion } from '../migrate.js';

// An FTS5 trigram index of the messages' content as `historian_lower` folds it (JavaScript's
// toLowerCase, what `containsText` compares), case-sensitive so FTS5 folds nothing of its own:
// every message whose folded content holds the folded needle holds all of the needle's
// trigrams, so the index never misses one, and the LIKE that follows it keeps only exact hits.
// Contentless (`content=''`): it stores no second copy of the text; `detail=none`: no
// positions either, the smallest index, which answers an AND of trigrams and no phrase.
// Triggers keep it in step inside the writing transaction; the insert trigger calls
// `historian_lower`, so rows are added through historian (a plain sqlite3 shell can read and
// delete them, but not insert messages).

const TABLE = 'messages_search';

/** Where a build left off, in `historian_meta`: `<last rowid done> <last rowid to do>`. */
const BACKFILL_KEY = 'search_backfill';

/** Rows indexed per transaction while filling the index of an existing store: a few tens of ms of write lock. */
const BATCH_ROWS = 5_000;

/** A needle of fewer code points than this has no trigram: it is scanned for. */
const TRIGRAM = 3;

/** At most this many of a long needle's trigrams are looked up: a few already select the rows. */
const MAX_TRIGRAMS = 16;

const CREATE = [
  `CREATE VIRTUAL TABLE IF NOT EXISTS ${TABLE} USING fts5(body, tokenize='trigram case_sensitive 1', content='', contentless_delete=1, detail=none);`,
  `CREATE TRIGGER IF NOT EXISTS ${TABLE}_insert AFTER INSERT ON messages BEGIN INSERT INTO ${TABLE}(rowid, body) VALUES (new.rowid, historian_lower(new.content)); END;`,
  `CREATE TRIGGER IF NOT EXISTS ${TABLE}_update AFTER UPDATE OF content ON messages BEGIN INSERT OR REPLACE INTO ${TABLE}(rowid, body) VALUES (new.rowid, historian_lower(new.content)); END;`,
  `CREATE TRIGGER IF NOT EXISTS ${TABLE}_delete AFTER DELETE ON messages BEGIN DELETE FROM ${TABLE} WHERE rowid = old.rowid; END;`,
];

/** The FTS5 query of a folded needle: its distinct trigrams, each a quoted string, all required. */
function trigramQuery(folded: string): string | undefined {
  // Trigrams are of code points, not UTF-16 units: an emoji is one.
  const points = [...folded];
  if (points.length < TRIGRAM) return undefined;
  const trigrams = new Set<string>();
  for (let i = 0; i + TRIGRAM <= points.length && trigrams.size < MAX_TRIGRAMS; i++) trigrams.add(points.slice(i, i + TRIGRAM).join(''));
  return [...trigrams].map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
}

/** The messages (by rowid) that may hold a folded needle, or undefined when it is too short for the index. */
export function searchCandidates(folded: string): SQL | undefined {
  const query = trigramQuery(folded);
  return query === undefined ? undefined : sql`"messages".rowid IN (SELECT rowid FROM ${sql.raw(TABLE)} WHERE ${sql.raw(TABLE)} MATCH ${query})`;
}

async function backfillState(s: Statements): Promise<[number, number] | undefined> {
  const [row] = await s.query<{ value: string }>(`SELECT value FROM historian_meta WHERE key = '${BACKFILL_KEY}'`);
  if (row === undefined) return undefined;
  const [done, end] = row.value.split(' ').map(Number);
  return [done ?? 0, end ?? 0];
}

/** Creates the index and its triggers; rows stored before are left to fill (the last rowid recorded). */
async function create(s: Statements): Promise<void> {
  const [live] = await s.query<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE name = '${TABLE}'`);
  if (live!.n > 0) return;
  for (const statement of CREATE) await s.execute(statement);
  const [last] = await s.query<{ end: number | null }>('SELECT max(rowid) AS "end" FROM messages');
  if (last?.end != null) await s.setMeta(BACKFILL_KEY, `0 ${last.end}`);
  await recordSchemaVersion(s);
}

/** Indexes the next batch of rows stored before the index; returns the progress, or undefined when done. */
async function fillBatch(s: Statements): Promise<[number, number] | undefined> {
  const state = await backfillState(s);
  if (state === undefined) return undefined;
  const [done, end] = state;
  const to = Math.min(done + BATCH_ROWS, end);
  // OR REPLACE: a rowid freed by a delete and taken by a new message is already indexed by the trigger.
  await s.execute(`INSERT OR REPLACE INTO ${TABLE}(rowid, body) SELECT rowid, historian_lower(content) FROM messages WHERE rowid > ${done} AND rowid <= ${to};`);
  if (to >= end) await s.execute(`DELETE FROM historian_meta WHERE key = '${BACKFILL_KEY}';`);
  else await s.setMeta(BACKFILL_KEY, `${to} ${end}`);
  return [to, end];
}

/** SQLite's search index: FTS5 trigrams of the folded content. */
export const sqliteSearch: SearchIndex = {
  name: TABLE,
  present: (live) => live.tables.has(TABLE),
  createSql: CREATE,
  async recreate(s) {
    await s.execute(`DROP TABLE IF EXISTS ${TABLE};`);
    for (const statement of CREATE) await s.execute(statement);
  },
  async build(backend: SqlBackend, report: SearchReport) {
    await backend.transaction(create);
    for (;;) {
      const step = await backend.transaction(fillBatch);
      if (step === undefined) return true;
      report.progress?.(step[0], step[1]);
    }
  },
  ready: async (s) => (await s.query<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE name = '${TABLE}'`))[0]!.n > 0 && (await backfillState(s)) === undefined,
};
