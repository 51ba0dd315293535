import { and, asc, count, desc, eq, gte, isNotNull, lte, not, sql, type SQL } from 'drizzle-orm';
import type { RunFact } from '../../core/entries.js';
import type { LlmCallQuery, LlmCallTotals, Page, RunIdPage, RunPageQuery, StepQuery } from '../../core/run-queries.js';
import type { Dialect, SqlBackend } from './dialect.js';
import { field, total } from './fragments.js';
import { runFactOf } from './run-events.js';

// The run list, steps and LLM-call sums computed by the database: only a page of runs (or of
// steps), or one row per stats key and model, comes back. Views are still built from facts by
// src/runs, so every provider gives the same answers.

/**
 * A page of run ids, newest first by start (ties: run id descending), read from the `runs` rows
 * by an index; counted only when the query asks for the total.
 */
export async function readRunIds(backend: SqlBackend, query: RunPageQuery): Promise<RunIdPage> {
  const { dialect, statements: s } = backend;
  const r = dialect.tables.runs;
  const where = and(
    query.session_id === undefined ? undefined : eq(r.session_id, query.session_id),
    query.agent === undefined ? undefined : eq(r.agent_name, query.agent),
    query.started_since === undefined ? undefined : gte(r.started_at, query.started_since),
    query.started_until === undefined ? undefined : lte(r.started_at, query.started_until),
    query.status === undefined ? undefined : eq(r.status, query.status),
  );
  const rows = await s.fields({ run: field(r.run_id) }, 'runs', { where, orderBy: [desc(r.started_at), desc(r.run_id)], offset: query.offset, limit: query.limit });
  const run_ids = rows.map((row) => row.run!);
  if (!query.count) return { run_ids };
  const [all] = await s.fields({ n: count() }, 'runs', { where });
  return { run_ids, total: all?.n ?? 0 };
}

/**
 * The conditions that leave out what rollbacks cover: a `run_rolled_back` among the selected
 * facts hides those of its session numbered `from_sequence`…`to_sequence`, never itself or
 * anything logged after it (as src/runs/views.ts `steps` does).
 */
async function visible(backend: SqlBackend, owner: SQL | undefined): Promise<SQL[]> {
  const t = backend.dialect.tables.runEvents;
  // The rollbacks among the selected facts (a run's own, when steps are asked for by run).
  const rollbacks = await backend.statements.rows('runEvents', { where: and(eq(t.kind, 'run_rolled_back'), owner) });
  return rollbacks.map((row) => {
    const { from_sequence, to_sequence } = row.payload as { from_sequence: number; to_sequence: number };
    const to = Math.min(to_sequence, row.sequence - 1);
    return not(and(eq(t.session_id, row.session_id), gte(t.sequence, from_sequence), lte(t.sequence, to))!);
  });
}

/** Steps in sequence order, without rolled-back facts and rollback markers, paged. */
export async function readSteps(backend: SqlBackend, query: StepQuery): Promise<Page<RunFact>> {
  const { dialect, statements: s } = backend;
  const t = dialect.tables.runEvents;
  const owner = and(
    query.session === undefined ? undefined : eq(t.session_id, query.session),
    query.run === undefined ? undefined : eq(t.run_id, query.run),
  );
  const where = and(owner, not(eq(t.kind, 'run_rolled_back')), ...(await visible(backend, owner)));
  const orderBy = [asc(t.session_id), asc(t.sequence), asc(t.timestamp), asc(t.seq)];
  const rows = await s.rows('runEvents', { where, orderBy, offset: query.offset, limit: query.limit });
  const [all] = await s.fields({ n: count() }, 'runEvents', { where });
  const totalCount = all?.n ?? 0;
  return { items: rows.map(runFactOf), total: totalCount, has_more: (query.offset ?? 0) + rows.length < totalCount };
}

function callKey(dialect: Dialect, group: LlmCallQuery['group_by']): SQL<string | null> {
  const t = dialect.tables.runEvents;
  switch (group) {
    case 'agent':
      return field(t.agent_name);
    case 'model':
      return sql<string>`${modelOf(dialect)}`;
    case 'hour':
      return dialect.hourKey(t.timestamp);
    case 'day':
      return dialect.dayKey(t.timestamp);
  }
}

function modelOf(dialect: Dialect): SQL<string> {
  return dialect.jsonText(dialect.tables.runEvents.payload, ['model']);
}

/** `llm_call_completed` facts summed per stats key and model, in one GROUP BY. */
export async function readLlmCalls(backend: SqlBackend, query: LlmCallQuery): Promise<LlmCallTotals[]> {
  const { dialect } = backend;
  const t = dialect.tables.runEvents;
  const usage = (key: string) => dialect.jsonNumber(t.payload, ['cost_info', 'token_usage', key]);
  const given = dialect.jsonNumber(t.payload, ['cost_info', 'total_cost']);
  const reported = isNotNull(usage('prompt'));
  const unpriced = (value: SQL) => total(sql`CASE WHEN ${reported} AND ${given} IS NULL THEN ${value} END`);
  const cached = sql`coalesce(${usage('cache_read')}, 0)`;
  const written = sql`coalesce(${usage('cache_write')}, 0)`;
  const uncached = sql`CASE WHEN ${usage('prompt')} - ${cached} - ${written} > 0 THEN ${usage('prompt')} - ${cached} - ${written} ELSE 0 END`;
  const key = callKey(dialect, query.group_by);
  const model = modelOf(dialect);
  const rows = await backend.statements.fields(
    {
      key,
      model,
      calls: count(),
      total: total(usage('total')),
      prompt: total(usage('prompt')),
      completion: total(usage('completion')),
      cache_read: total(usage('cache_read')),
      cache_write: total(usage('cache_write')),
      given_cost: total(given),
      uncached: unpriced(uncached),
      unpriced_read: unpriced(cached),
      unpriced_write: unpriced(written),
      unpriced_completion: unpriced(usage('completion')),
    },
    'runEvents',
    {
      where: and(
        eq(t.kind, 'llm_call_completed'),
        query.since === undefined ? undefined : gte(t.timestamp, query.since),
        query.until === undefined ? undefined : lte(t.timestamp, query.until),
        query.agent === undefined ? undefined : eq(t.agent_name, query.agent),
      ),
      groupBy: [key, model],
    },
  );
  return rows.map((row) => ({
    key: row.key,
    model: row.model,
    calls: row.calls,
    usage: { total: row.total, prompt: row.prompt, completion: row.completion, cache_read: row.cache_read, cache_write: row.cache_write },
    given_cost: row.given_cost,
    unpriced: { uncached: row.uncached, cache_read: row.unpriced_read, cache_write: row.unpriced_write, completion: row.unpriced_completion },
  }));
}
