import type { Pricing } from '../core/config-schema.js';
import type { RunFact } from '../core/entries.js';
import type { Page, RunFactQuery, RunPageQuery, RunQuery, RunReader, RunView, StepQuery, Trace, TraceQuery } from '../core/run-queries.js';
import { pageOf } from '../store/reader.js';
import { buildRun, byRun, newestFirst, runViews, steps, traceFilter, traceOf } from './views.js';

/*
 * The run list, traces and steps over a provider's RunReader. A provider that pages runs itself
 * (sql: `runIds`, `steps`) is asked for one page of run ids and then for those runs' facts, so
 * only the page is read; any other provider hands over the facts its filters select, and the
 * views are built and paged here. Both paths build every view with the same code (views.ts).
 */

/** Runs looked at per round while a filter only views can apply (trace duration) walks the list. */
const RUNS_PER_ROUND = 200;

/** A run query whose times are ISO strings. */
type Selected<Q> = Omit<Q, 'since' | 'until'> & { since?: string | undefined; until?: string | undefined };

function pageQuery(query: Selected<RunQuery | TraceQuery>): RunPageQuery {
  return { session_id: query.session, agent: query.agent, started_since: query.since, started_until: query.until, status: query.status };
}

function ownerQuery(query: Selected<RunQuery | TraceQuery>): RunFactQuery {
  return { session_id: query.session, agent: query.agent, started_since: query.since, started_until: query.until };
}

/** A page of `items` taken from `offset` among `total`. */
export function envelope<T>(items: T[], total: number, offset = 0): Page<T> {
  return { items, total, has_more: offset + items.length < total };
}

/** One page of a list, with the count of all that match when it was asked for. */
export interface Listed<T> {
  items: T[];
  total?: number | undefined;
}

/** The envelope of a listed page that was counted. */
export function counted<T>(listed: Listed<T>, offset = 0): Page<T> {
  return envelope(listed.items, listed.total ?? offset + listed.items.length, offset);
}

/** The views of `runIds`, in that order, from their facts. */
async function viewsOf(reader: RunReader, runIds: string[], pricing: Pricing | undefined): Promise<{ view: RunView; facts: RunFact[] }[]> {
  if (runIds.length === 0) return [];
  const runs = byRun(await reader.facts({ run_ids: runIds }));
  return runIds.flatMap((id) => {
    const facts = runs.get(id);
    return facts ? [{ view: buildRun(facts, pricing), facts }] : [];
  });
}

/** One page of the run list, newest first; counted when `count` (a provider without push-down always counts). */
export async function pageRuns(reader: RunReader, query: Selected<RunQuery>, pricing: Pricing | undefined, count: boolean): Promise<Listed<RunView>> {
  if (!reader.runIds) {
    const all = runViews(await reader.facts(ownerQuery(query)), pricing).filter((run) => query.status === undefined || run.status === query.status);
    return { items: pageOf(all, query), total: all.length };
  }
  const { run_ids, total } = await reader.runIds({ ...pageQuery(query), offset: query.offset, limit: query.limit, count });
  const runs = await viewsOf(reader, run_ids, pricing);
  return { items: runs.map((run) => run.view), total };
}

/**
 * One page of traces, newest first. Without a minimum duration the provider pages the runs; with
 * one, the runs that pass its other filters are walked in rounds, newest first, until the page
 * is full, or to the end when the total (every run that passes) is asked for; memory stays
 * bounded by a round.
 */
export async function pageTraces(reader: RunReader, query: Selected<TraceQuery>, pricing: Pricing | undefined, count: boolean): Promise<Listed<Trace>> {
  const offset = query.offset ?? 0;
  if (!reader.runIds) {
    const all = [...byRun(await reader.facts(ownerQuery(query))).values()]
      .map((facts) => ({ facts, view: buildRun(facts, pricing) }))
      .filter(({ view }) => traceFilter(query)(view))
      .sort((a, b) => newestFirst(a.view, b.view));
    return { items: pageOf(all, query).map(({ facts, view }) => traceOf(facts, view, pricing)), total: all.length };
  }
  if (query.min_duration_ms === undefined) {
    const { run_ids, total } = await reader.runIds({ ...pageQuery(query), offset, limit: query.limit, count });
    const runs = await viewsOf(reader, run_ids, pricing);
    return { items: runs.map(({ facts, view }) => traceOf(facts, view, pricing)), total };
  }
  return walkTraces(reader, reader.runIds.bind(reader), query, pricing, count);
}

/** Traces that pass a duration filter, found round by round. */
async function walkTraces(reader: RunReader, runIds: NonNullable<RunReader['runIds']>, query: Selected<TraceQuery>, pricing: Pricing | undefined, count: boolean): Promise<Listed<Trace>> {
  const offset = query.offset ?? 0;
  const passes = traceFilter(query);
  const items: Trace[] = [];
  let total = 0;
  for (let from = 0; ; from += RUNS_PER_ROUND) {
    const { run_ids } = await runIds({ ...pageQuery(query), offset: from, limit: RUNS_PER_ROUND });
    for (const { facts, view } of await viewsOf(reader, run_ids, pricing)) {
      if (!passes(view)) continue;
      total += 1;
      if (total > offset && (query.limit === undefined || items.length < query.limit)) items.push(traceOf(facts, view, pricing));
    }
    const full = query.limit !== undefined && items.length >= query.limit;
    if (run_ids.length < RUNS_PER_ROUND || (full && !count)) return { items, total: count ? total : undefined };
  }
}

/** The steps of a session or run, in sequence order, paged. */
export async function pageSteps(reader: RunReader, query: StepQuery): Promise<Page<RunFact>> {
  if (reader.steps) return reader.steps(query);
  const all = steps(await reader.facts({ session_id: query.session, run_id: query.run }), { session: query.session, run: query.run });
  return envelope(pageOf(all, query), all.length, query.offset);
}
