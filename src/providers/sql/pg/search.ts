import type { SearchIndex, SearchReport, Statements } from '../dialect.js';

// A pg_trgm GIN index of the messages' content. PostgreSQL answers `content ILIKE '%…%'` from
// it by itself (trigrams of the pattern, lower-cased as ILIKE compares) and rechecks every
// candidate row with the ILIKE, so the answer stays exactly the scan's; the query is unchanged.
// The operator class is named with the extension's schema: a connection whose search_path
// does not hold it (a schema per tenant) still finds it.

const INDEX = 'messages_content_trgm_idx';

/** The schema pg_trgm is installed in, or undefined. */
async function trgmSchema(s: Statements): Promise<string | undefined> {
  const [row] = await s.query<{ schema: string }>("SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'");
  return row?.schema;
}

/**
 * Installs pg_trgm when missing: into `public` when there is one (an extension is one per
 * database, and a tenant's schema may be dropped with what is in it), else the current schema.
 * Returns its schema, or undefined when this role may not create it.
 */
async function installTrgm(s: Statements, report: SearchReport): Promise<string | undefined> {
  const installed = await trgmSchema(s);
  if (installed !== undefined) return installed;
  const [publicSchema] = await s.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'public'");
  try {
    await s.execute(`CREATE EXTENSION IF NOT EXISTS pg_trgm${publicSchema!.n > 0 ? ' SCHEMA public' : ''}`);
  } catch (error) {
    // Another process may have created it at the same moment.
    const created = await trgmSchema(s);
    if (created !== undefined) return created;
    report.warn?.(`cannot create extension pg_trgm (${(error as Error).message}): text search (--query) scans the messages; a superuser can run CREATE EXTENSION pg_trgm`);
    return undefined;
  }
  return trgmSchema(s);
}

/** Whether the index exists in the current schema, and whether it is valid (a build that stopped leaves it invalid). */
async function indexState(s: Statements): Promise<{ valid: boolean } | undefined> {
  const [row] = await s.query<{ valid: boolean }>(
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = '${INDEX}' AND c.relnamespace = current_schema()::regnamespace`,
  );
  return row;
}

/** Whether another connection is building an index of this schema's messages now. */
async function otherBuildRunning(s: Statements): Promise<boolean> {
  const rows = await s
    .query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_progress_create_index WHERE relid = 'messages'::regclass AND pid <> pg_backend_pid()")
    .catch(() => [{ n: 0 }]);
  return (rows[0]?.n ?? 0) > 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds tried before the error is the answer (each failure after another process's start). */
const BUILD_ATTEMPTS = 3;

/** How often the build's progress is read, from another connection of the pool. */
const POLL_MS = 500;

/**
 * Runs an index build, reporting the blocks of the table it has read (PostgreSQL's
 * pg_stat_progress_create_index, read from another connection; PGlite has one, so it reports
 * only the start and the end).
 */
async function reporting(s: Statements, report: SearchReport, build: Promise<void>): Promise<void> {
  const read = () =>
    s
      .query<{ done: string; total: string }>("SELECT blocks_done AS done, blocks_total AS total FROM pg_stat_progress_create_index WHERE relid = 'messages'::regclass")
      .then(([row]) => row && Number(row.total) > 0 && report.progress?.(Math.min(Number(row.done), Number(row.total) - 1), Number(row.total)))
      .catch(() => undefined);
  const poll = report.progress ? setInterval(read, POLL_MS) : undefined;
  try {
    await build;
  } finally {
    clearInterval(poll);
  }
}

const createSql = (schema: string, concurrently: boolean) =>
  `CREATE INDEX ${concurrently ? 'CONCURRENTLY ' : ''}IF NOT EXISTS "${INDEX}" ON messages USING gin (content "${schema.replace(/"/g, '""')}".gin_trgm_ops);`;

/** PostgreSQL's and PGlite's search index: pg_trgm, used by the planner for ILIKE. */
export const pgSearch: SearchIndex = {
  name: INDEX,
  present: (live) => live.indexes.has(INDEX),
  createSql: ['CREATE EXTENSION IF NOT EXISTS pg_trgm;', createSql('public', false)],
  async recreate(s) {
    const schema = await trgmSchema(s);
    if (schema !== undefined) await s.execute(createSql(schema, false));
  },
  // CONCURRENTLY: built without blocking the writers (outside any transaction), in one pass
  // PostgreSQL makes itself.
  // Two processes opening one database at once: one builds, the other waits for its build
  // rather than dropping the index it finds unfinished.
  async build(backend, report) {
    const s = backend.statements;
    for (let attempt = 1; ; attempt++) {
      const state = await indexState(s);
      if (state?.valid) return true;
      if (await otherBuildRunning(s)) {
        await sleep(POLL_MS);
        continue;
      }
      const schema = await installTrgm(s, report);
      if (schema === undefined) return false;
      try {
        if (state !== undefined) await s.execute(`DROP INDEX CONCURRENTLY IF EXISTS "${INDEX}";`);
        report.progress?.(0, 1);
        await reporting(s, report, s.execute(createSql(schema, true)));
        report.progress?.(1, 1);
        return true;
      } catch (error) {
        // Another process started the same build at the same moment: look again.
        if (attempt >= BUILD_ATTEMPTS) throw error;
        await sleep(POLL_MS);
      }
    }
  },
  // The planner weighs the index against a walk with its own statistics, whichever form the query takes.
  narrows: () => false,
  ready: async (s) => (await indexState(s))?.valid === true,
};
