import { createHash } from 'node:crypto';
import { and, asc, count, eq, gte, inArray, lte, max, min, type SQL } from 'drizzle-orm';
import { isRunFact, type RunFact } from '../../core/entries.js';
import type { RunFactQuery } from '../../core/run-queries.js';
import type { LogRecord } from '../../core/provider.js';
import type { Db, SqlBackend } from './connect.js';
import type { Tables } from './schema/index.js';

type RunEventRow = Tables['runEvents']['$inferSelect'];

// SQLite allows 32,766 bind parameters per statement; 9 columns × 500 rows stays far below.
const ROWS_PER_STATEMENT = 500;

/** The row of a fact: selection columns, and the rest of the fact as the JSON payload. */
export function runEventRow(fact: RunFact, sequence: number): RunEventRow {
  const { type, id, timestamp, seq, session_id, run_id, agent_name, sequence: _given, ...payload } = fact;
  return { id, session_id, run_id, agent_name, kind: type, sequence, timestamp, seq, payload };
}

/** The fact a row holds. */
export function runFactOf(row: RunEventRow): RunFact {
  const { kind, payload, id, session_id, run_id, agent_name, sequence, timestamp, seq } = row;
  return { type: kind, id, timestamp, seq, session_id, run_id, agent_name, sequence, ...payload } as RunFact;
}

/** A 63-bit advisory lock key per session: a hash collision only makes two sessions wait for each other. */
function lockKey(session: string): string {
  return (createHash('sha256').update(`historian.run_events:${session}`).digest().readBigInt64BE(0) >> 1n).toString();
}

/**
 * The batch's facts not stored yet. Every id is checked, generated ones too: a batch retried
 * after a partial failure must not number a fact that is already stored, or it would leave a gap.
 */
async function newFacts(db: Db, t: Tables, records: readonly LogRecord[]): Promise<RunFact[]> {
  const given = records.map((r) => r.entry.id);
  const stored = new Set<string>();
  for (let i = 0; i < given.length; i += ROWS_PER_STATEMENT) {
    const ids = given.slice(i, i + ROWS_PER_STATEMENT);
    for (const row of await db.select({ id: t.runEvents.id }).from(t.runEvents).where(inArray(t.runEvents.id, ids))) stored.add(row.id);
  }
  const facts: RunFact[] = [];
  for (const { entry } of records) {
    if (stored.has(entry.id)) continue;
    stored.add(entry.id);
    facts.push(entry as RunFact);
  }
  return facts;
}

/**
 * Stores the run facts of a batch inside the batch's transaction, numbering each session's new
 * facts after the highest `sequence` already stored for it. The maximum is read under a lock
 * that every writer of the session takes: SQLite's BEGIN IMMEDIATE write lock (the whole
 * database), or on PostgreSQL a per-session advisory lock held until commit. So two processes
 * writing one database never hand out the same number or leave a gap. A given `sequence`
 * (facts copied from another store) is kept.
 */
export async function writeRunEvents(backend: SqlBackend, db: Db, batch: readonly LogRecord[]): Promise<void> {
  const records = batch.filter((record) => isRunFact(record.entry));
  if (records.length === 0) return;
  const t = backend.tables;
  const facts = await newFacts(db, t, records);
  const sessions = [...new Set(facts.map((fact) => fact.session_id))].sort();
  if (backend.dialect === 'postgres') {
    // Sorted, so two writers locking several sessions cannot deadlock.
    for (const session of sessions) await backend.execute(`SELECT pg_advisory_xact_lock(${lockKey(session)})`, db);
  }
  const last = new Map<string, number>();
  for (let i = 0; i < sessions.length; i += ROWS_PER_STATEMENT) {
    const chunk = sessions.slice(i, i + ROWS_PER_STATEMENT);
    const rows = await db
      .select({ session: t.runEvents.session_id, last: max(t.runEvents.sequence) })
      .from(t.runEvents)
      .where(inArray(t.runEvents.session_id, chunk))
      .groupBy(t.runEvents.session_id);
    for (const row of rows) last.set(row.session, Number(row.last ?? 0));
  }
  const rows = facts.map((fact) => {
    const previous = last.get(fact.session_id) ?? 0;
    const sequence = fact.sequence ?? previous + 1;
    last.set(fact.session_id, Math.max(previous, sequence));
    return runEventRow(fact, sequence);
  });
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await db.insert(t.runEvents).values(rows.slice(i, i + ROWS_PER_STATEMENT)).onConflictDoNothing();
  }
}

function ownerFilter(t: Tables, query: RunFactQuery): SQL | undefined {
  return and(
    query.session_id === undefined ? undefined : eq(t.runEvents.session_id, query.session_id),
    query.run_id === undefined ? undefined : eq(t.runEvents.run_id, query.run_id),
    query.agent === undefined ? undefined : eq(t.runEvents.agent_name, query.agent),
  );
}

/**
 * The facts a run query needs, selected in one statement by the indexed columns; a start
 * window keeps every fact of the runs whose first fact lies in it (a grouped subquery).
 */
export async function readRunFacts(backend: SqlBackend, query: RunFactQuery): Promise<RunFact[]> {
  const { db, tables: t } = backend;
  const owner = ownerFilter(t, query);
  const startWindow = query.started_since !== undefined || query.started_until !== undefined;
  const started = db
    .select({ run_id: t.runEvents.run_id })
    .from(t.runEvents)
    .where(owner)
    .groupBy(t.runEvents.run_id)
    .having(
      and(
        query.started_since === undefined ? undefined : gte(min(t.runEvents.timestamp), query.started_since),
        query.started_until === undefined ? undefined : lte(min(t.runEvents.timestamp), query.started_until),
      ),
    );
  const where = and(
    owner,
    query.types === undefined ? undefined : inArray(t.runEvents.kind, query.types),
    query.since === undefined ? undefined : gte(t.runEvents.timestamp, query.since),
    query.until === undefined ? undefined : lte(t.runEvents.timestamp, query.until),
    startWindow ? inArray(t.runEvents.run_id, started) : undefined,
  );
  const rows = await db.select().from(t.runEvents).where(where).orderBy(asc(t.runEvents.session_id), asc(t.runEvents.sequence));
  return rows.map(runFactOf);
}

/** Counts, then deletes, every fact or one agent's; returns the count. */
export async function deleteRunEvents(db: Db, t: Tables, agent: string | undefined): Promise<number> {
  const where = agent === undefined ? undefined : eq(t.runEvents.agent_name, agent);
  const [row] = await db.select({ n: count() }).from(t.runEvents).where(where);
  await db.delete(t.runEvents).where(where);
  return row?.n ?? 0;
}
