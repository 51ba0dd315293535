import { and, asc, count, eq, gte, inArray, lte, max, min, type SQL } from 'drizzle-orm';
import { isRunFact, sequenceTaken, type RunFact } from '../../core/entries.js';
import type { RunFactQuery, RunStatus } from '../../core/run-queries.js';
import type { LogRecord, Rejection } from '../../core/provider.js';
import type { Dialect, SqlBackend, Statements } from './dialect.js';
import { chunked, field } from './fragments.js';
import type { CommonTables, RunEventRow, RunRow } from './schema/index.js';


/** The row of a fact, numbered `sequence` in its session and `seq` in the store: selection columns, and the rest of the fact as the JSON payload. */
export function runEventRow(fact: RunFact, sequence: number, seq: number): RunEventRow {
  const { type, id, timestamp, seq: _logged, session_id, run_id, agent_name, sequence: _given, ...payload } = fact;
  return { id, session_id, run_id, agent_name, kind: type, sequence, timestamp, seq, payload };
}

/** The fact a row holds. */
export function runFactOf(row: RunEventRow): RunFact {
  const { kind, payload, id, session_id, run_id, agent_name, sequence, timestamp, seq } = row;
  return { type: kind, id, timestamp, seq, session_id, run_id, agent_name, sequence, ...payload } as RunFact;
}


/** The sessions a batch logs run facts for, sorted (so two writers locking several cannot deadlock). */
export function runSessions(batch: readonly LogRecord[]): string[] {
  const sessions = new Set<string>();
  for (const { entry } of batch) if (isRunFact(entry)) sessions.add(entry.session_id);
  return [...sessions].sort();
}

/** A fact of a batch, with its place in the store's order. */
interface Placed {
  record: LogRecord;
  fact: RunFact;
  seq: number;
}

/**
 * The batch's facts not stored yet, each with its `seq` (`last` + its place in the batch). Every
 * id is checked, generated ones too: a batch retried after a partial failure must not number a
 * fact that is already stored, or it would leave a gap.
 */
async function newFacts(s: Statements, t: CommonTables, batch: readonly LogRecord[], last: number): Promise<Placed[]> {
  const placed: Placed[] = [];
  batch.forEach((record, i) => {
    if (isRunFact(record.entry)) placed.push({ record, fact: record.entry, seq: last + i + 1 });
  });
  const stored = new Set<string>();
  for (const ids of chunked(placed.map((p) => p.fact.id))) {
    const rows = await s.fields({ id: field(t.runEvents.id) }, 'runEvents', { where: inArray(t.runEvents.id, ids) });
    for (const row of rows) if (row.id !== null) stored.add(row.id);
  }
  return placed.filter(({ fact }) => !stored.has(fact.id) && Boolean(stored.add(fact.id)));
}

/** The highest `sequence` stored per session. */
async function lastSequences(s: Statements, t: CommonTables, sessions: string[]): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  const session = field(t.runEvents.session_id);
  for (const chunk of chunked(sessions)) {
    const rows = await s.fields({ session, last: max(t.runEvents.sequence) }, 'runEvents', { where: inArray(t.runEvents.session_id, chunk), groupBy: [session] });
    for (const row of rows) if (row.session !== null) last.set(row.session, Number(row.last ?? 0));
  }
  return last;
}

const placeKey = (session: string, sequence: number) => `${sequence}:${session}`;

/** Which of these given (session, sequence) places are stored, as `placeKey`s. */
async function takenPlaces(s: Statements, t: CommonTables, facts: readonly RunFact[]): Promise<Set<string>> {
  const taken = new Set<string>();
  const e = t.runEvents;
  for (const chunk of chunked(facts)) {
    const where = and(inArray(e.session_id, [...new Set(chunk.map((f) => f.session_id))]), inArray(e.sequence, [...new Set(chunk.map((f) => f.sequence!))]));
    for (const row of await s.fields({ session: field(e.session_id), sequence: field(e.sequence) }, 'runEvents', { where })) taken.add(placeKey(row.session!, Number(row.sequence)));
  }
  return taken;
}

/**
 * Stores the run facts of a batch inside the batch's transaction, numbering each session's new
 * facts after the highest `sequence` already stored for it. The write transaction took the lock
 * of every session of the batch first (`Statements.lockSession`: SQLite's BEGIN IMMEDIATE write
 * lock on the whole database, a per-session advisory lock on PostgreSQL), so two processes
 * writing one database never hand out the same number or leave a gap. A given `sequence`
 * (facts copied from another store) is kept, unless its session holds it already: that fact is
 * returned refused, and the first keeps the number.
 */
export async function writeRunEvents(dialect: Dialect, s: Statements, batch: readonly LogRecord[], lastSeq: number): Promise<Rejection[]> {
  if (!batch.some((record) => isRunFact(record.entry))) return [];
  const t = dialect.tables;
  const placed = await newFacts(s, t, batch, lastSeq);
  const last = await lastSequences(s, t, [...new Set(placed.map((p) => p.fact.session_id))]);
  // Only a given sequence at or below its session's last can be taken.
  const taken = await takenPlaces(s, t, placed.map((p) => p.fact).filter((f) => f.sequence !== undefined && f.sequence <= (last.get(f.session_id) ?? 0)));
  const rows: RunEventRow[] = [];
  const refused: Rejection[] = [];
  for (const { record, fact, seq } of placed) {
    const previous = last.get(fact.session_id) ?? 0;
    const sequence = fact.sequence ?? previous + 1;
    if (taken.has(placeKey(fact.session_id, sequence))) {
      refused.push({ record, error: sequenceTaken(fact) });
      continue;
    }
    taken.add(placeKey(fact.session_id, sequence));
    last.set(fact.session_id, Math.max(previous, sequence));
    rows.push(runEventRow(fact, sequence, seq));
  }
  await s.insertNew('runEvents', rows);
  await updateRuns(s, t, rows);
  return refused;
}

const FINISHED: Partial<Record<string, RunStatus>> = { run_finished: 'completed', run_failed: 'failed' };

/** A run's row after one more of its facts: the earliest start, and the status of its latest finish. */
function withFact(run: RunRow | undefined, fact: RunEventRow): RunRow {
  const row = run ?? { run_id: fact.run_id, session_id: fact.session_id, agent_name: fact.agent_name, started_at: fact.timestamp, status: 'running', end_sequence: null };
  if (fact.timestamp < row.started_at) row.started_at = fact.timestamp;
  const status = FINISHED[fact.kind];
  if (status && (row.end_sequence === null || fact.sequence > row.end_sequence)) {
    row.status = status;
    row.end_sequence = fact.sequence;
  }
  return row;
}

/**
 * Keeps the `runs` rows of the batch's runs in step with their new facts. The batch holds the
 * locks of its sessions, so no other writer changes these runs until it commits.
 */
async function updateRuns(s: Statements, t: CommonTables, facts: readonly RunEventRow[]): Promise<void> {
  if (facts.length === 0) return;
  const runs = new Map<string, RunRow>();
  for (const ids of chunked([...new Set(facts.map((fact) => fact.run_id))])) {
    for (const row of await s.rows('runs', { where: inArray(t.runs.run_id, ids) })) runs.set(row.run_id, row);
  }
  for (const fact of facts) runs.set(fact.run_id, withFact(runs.get(fact.run_id), fact));
  const changed = new Set(facts.map((fact) => fact.run_id));
  await s.upsert(
    'runs',
    [...changed].map((id) => runs.get(id)!),
  );
}

function ownerFilter(t: CommonTables, query: RunFactQuery): SQL | undefined {
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
  if (query.run_ids === undefined) return selectFacts(backend, query, undefined);
  const facts: RunFact[] = [];
  for (const runs of chunked(query.run_ids)) facts.push(...(await selectFacts(backend, query, runs)));
  return facts;
}

async function selectFacts(backend: SqlBackend, query: RunFactQuery, runs: string[] | undefined): Promise<RunFact[]> {
  const { dialect, statements: s } = backend;
  const t = dialect.tables;
  const owner = ownerFilter(t, query);
  const startWindow = query.started_since !== undefined || query.started_until !== undefined;
  const run = field(t.runEvents.run_id);
  const started = s.subquery({ run_id: run }, 'runEvents', {
    where: owner,
    groupBy: [run],
    having: and(
      query.started_since === undefined ? undefined : gte(min(t.runEvents.timestamp), query.started_since),
      query.started_until === undefined ? undefined : lte(min(t.runEvents.timestamp), query.started_until),
    ),
  });
  const where = and(
    owner,
    query.types === undefined ? undefined : inArray(t.runEvents.kind, query.types),
    query.since === undefined ? undefined : gte(t.runEvents.timestamp, query.since),
    query.until === undefined ? undefined : lte(t.runEvents.timestamp, query.until),
    startWindow ? inArray(t.runEvents.run_id, started) : undefined,
    runs === undefined ? undefined : inArray(t.runEvents.run_id, runs),
  );
  const rows = await s.rows('runEvents', { where, orderBy: [asc(t.runEvents.session_id), asc(t.runEvents.sequence)] });
  return rows.map(runFactOf);
}

/** Counts, then deletes, every fact or one agent's (and their runs' rows); returns the count. */
export async function deleteRunEvents(s: Statements, t: CommonTables, agent: string | undefined): Promise<number> {
  const where = agent === undefined ? undefined : eq(t.runEvents.agent_name, agent);
  const [row] = await s.fields({ n: count() }, 'runEvents', { where });
  await s.delete('runEvents', where);
  await s.delete('runs', agent === undefined ? undefined : eq(t.runs.agent_name, agent));
  return row?.n ?? 0;
}
