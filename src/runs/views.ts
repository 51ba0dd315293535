import type { Pricing } from '../core/config-schema.js';
import type { RunFact, RunFactOf } from '../core/entries.js';
import { pageOf } from '../store/reader.js';
import { callCost } from './pricing.js';
import type { RunQuery, RunTokenUsage, RunView, Span, StepQuery, Trace, TraceQuery } from '../core/run-queries.js';

/*
 * Every view of the run log is rebuilt here from a plain list of facts, so every provider gives
 * the same answers: providers only select the facts (RunReader.facts), never shape them.
 */

/** A query whose time bounds the provider has already applied. */
type WithoutTimes<Q> = Omit<Q, 'since' | 'until'>;

/** A total order: by session, then sequence (facts lacking one last), then time and `seq`. */
export function factOrder(a: RunFact, b: RunFact): number {
  if (a.session_id !== b.session_id) return a.session_id < b.session_id ? -1 : 1;
  const sa = a.sequence ?? Number.MAX_SAFE_INTEGER;
  const sb = b.sequence ?? Number.MAX_SAFE_INTEGER;
  if (sa !== sb) return sa - sb;
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.seq - b.seq;
}

/** Zero token totals. */
export function emptyUsage(): RunTokenUsage {
  return { total: 0, prompt: 0, completion: 0, cache_read: 0, cache_write: 0 };
}

/** The usage of an LLM call as run totals (absent counts as 0); null when it reported none. */
export function usageOf(call: RunFactOf<'llm_call_completed'>): RunTokenUsage | null {
  const usage = call.cost_info?.token_usage;
  if (!usage) return null;
  const { total, prompt, completion } = usage;
  return { total, prompt, completion, cache_read: usage.cache_read ?? 0, cache_write: usage.cache_write ?? 0 };
}

/** Adds `usage` into `into`. */
export function addUsage(into: RunTokenUsage, usage: RunTokenUsage | null): void {
  if (!usage) return;
  into.total += usage.total;
  into.prompt += usage.prompt;
  into.completion += usage.completion;
  into.cache_read += usage.cache_read;
  into.cache_write += usage.cache_write;
}

/** Facts grouped by run, each group in fact order. */
export function byRun(facts: readonly RunFact[]): Map<string, RunFact[]> {
  const runs = new Map<string, RunFact[]>();
  for (const fact of [...facts].sort(factOrder)) {
    const run = runs.get(fact.run_id);
    if (run) run.push(fact);
    else runs.set(fact.run_id, [fact]);
  }
  return runs;
}

function elapsed(from: string, to: string | null): number | null {
  return to === null ? null : Date.parse(to) - Date.parse(from);
}

/** One run's view from its facts (in fact order). */
export function buildRun(facts: readonly RunFact[], pricing: Pricing | undefined): RunView {
  const first = facts[0]!;
  const view: RunView = {
    run_id: first.run_id,
    session_id: first.session_id,
    agent_name: first.agent_name,
    status: 'running',
    started_at: facts.reduce((min, f) => (f.timestamp < min ? f.timestamp : min), first.timestamp),
    ended_at: null,
    duration_ms: null,
    response: null,
    error: null,
    llm_calls: 0,
    token_usage: emptyUsage(),
    cost: 0,
    user_input: null,
    parent_run_id: null,
    termination_reason: null,
    tool_calls: 0,
  };
  const llmCalls = new Set<string>();
  const toolCalls = new Set<string>();
  const callKey = callPairing();
  let decided: string | null = null;
  for (const fact of facts) {
    switch (fact.type) {
      case 'run_started':
        view.user_input = fact.user_input;
        view.parent_run_id = fact.parent_run_id ?? null;
        break;
      case 'run_finished':
        Object.assign(view, { status: 'completed', ended_at: fact.timestamp, response: fact.response, error: null });
        view.termination_reason = fact.termination_reason ?? null;
        break;
      case 'run_failed':
        Object.assign(view, { status: 'failed', ended_at: fact.timestamp, response: null, error: fact.error });
        break;
      case 'termination_decided':
        decided = fact.reason;
        break;
      case 'llm_call_started':
        llmCalls.add(callKey(fact));
        break;
      case 'llm_call_completed':
        llmCalls.add(callKey(fact));
        addUsage(view.token_usage, usageOf(fact));
        view.cost += callCost(fact.cost_info, fact.model, pricing);
        break;
      case 'tool_call_started':
      case 'tool_call_completed':
        toolCalls.add(callKey(fact));
        break;
      case 'run_rolled_back':
        break;
    }
  }
  view.termination_reason ??= decided;
  view.duration_ms = elapsed(view.started_at, view.ended_at);
  view.llm_calls = llmCalls.size;
  view.tool_calls = toolCalls.size;
  return view;
}

/** Newest first by start; ties by run id, descending, as every provider must agree. */
export function newestFirst(a: RunView, b: RunView): number {
  if (a.started_at !== b.started_at) return a.started_at < b.started_at ? 1 : -1;
  return a.run_id < b.run_id ? 1 : a.run_id > b.run_id ? -1 : 0;
}


/** Every run found in `facts`, newest first. */
export function runViews(facts: readonly RunFact[], pricing?: Pricing): RunView[] {
  return [...byRun(facts).values()].map((run) => buildRun(run, pricing)).sort(newestFirst);
}

/** One run's view, or null when no fact of it is among `facts`. */
export function runView(facts: readonly RunFact[], runId: string, pricing?: Pricing): RunView | null {
  const own = facts.filter((fact) => fact.run_id === runId);
  return own.length === 0 ? null : buildRun([...own].sort(factOrder), pricing);
}

/** The run list: status filter, newest first, then offset and limit (time and owner are selected by the provider). */
export function listRuns(facts: readonly RunFact[], query: WithoutTimes<RunQuery>, pricing?: Pricing): RunView[] {
  const runs = runViews(facts, pricing).filter((run) => query.status === undefined || run.status === query.status);
  return pageOf(runs, query);
}

/**
 * Which facts a rollback hides: a `run_rolled_back` hides the facts of its session numbered
 * `from_sequence`…`to_sequence`, but never itself or anything logged after it.
 */
export function rolledBackTest(facts: readonly RunFact[]): (fact: RunFact) => boolean {
  const ranges = new Map<string, [number, number][]>();
  for (const fact of facts) {
    if (fact.type !== 'run_rolled_back' || fact.sequence === undefined) continue;
    const range: [number, number] = [fact.from_sequence, Math.min(fact.to_sequence, fact.sequence - 1)];
    ranges.set(fact.session_id, [...(ranges.get(fact.session_id) ?? []), range]);
  }
  return (fact) =>
    fact.sequence !== undefined && (ranges.get(fact.session_id) ?? []).some(([from, to]) => fact.sequence! >= from && fact.sequence! <= to);
}

/**
 * The steps of a session or run: its facts in sequence order, without the facts a rollback
 * covers and without the rollback markers themselves; then offset and limit.
 */
export function steps(facts: readonly RunFact[], query: StepQuery): RunFact[] {
  const sorted = facts
    .filter((f) => (query.session === undefined || f.session_id === query.session) && (query.run === undefined || f.run_id === query.run))
    .sort(factOrder);
  const hidden = rolledBackTest(sorted);
  return pageOf(
    sorted.filter((fact) => fact.type !== 'run_rolled_back' && !hidden(fact)),
    query,
  );
}

type CallFact = RunFactOf<'llm_call_started' | 'llm_call_completed' | 'tool_call_started' | 'tool_call_completed'>;

/**
 * Which call each call fact of one run belongs to (facts given in fact order): `llm:ID` and
 * `tool:ID` by `call_id` (LLM and tool calls have separate id spaces); an LLM call without a
 * `call_id` is `llm#1`, `llm#2`…, its completion paired with the oldest such call still open
 * (first in, first out), a completion with none open being a call of its own.
 */
function callPairing(): (fact: CallFact) => string {
  let unnamed = 0;
  const open: string[] = [];
  return (fact) => {
    if (fact.call_id !== undefined) return `${fact.type.startsWith('llm_') ? 'llm' : 'tool'}:${fact.call_id}`;
    if (fact.type === 'llm_call_completed') return open.shift() ?? `llm#${++unnamed}`;
    const key = `llm#${++unnamed}`;
    open.push(key);
    return key;
  };
}

function openSpan(fact: CallFact, key: string, startedAt: string, hidden: boolean): Span {
  const llm = fact.type === 'llm_call_started' || fact.type === 'llm_call_completed';
  return {
    // An LLM call logged without a call_id is named by its place among those of its run: `#1`, `#2`…
    span_id: fact.call_id ?? key.slice('llm'.length),
    kind: llm ? 'llm' : 'tool',
    name: llm ? fact.model : fact.tool_name,
    started_at: startedAt,
    ended_at: null,
    duration_ms: null,
    status: 'running',
    error: null,
    token_usage: null,
    cost: null,
    first_token_ms: null,
    finish_reason: null,
    sequence: fact.sequence ?? 0,
    rolled_back: hidden,
    args: fact.type === 'tool_call_started' ? (fact.args ?? null) : null,
    result: null,
    content_preview: null,
  };
}

/** Closes a span with its completion fact; a completion without a start opens the span too. */
function closeSpan(
  span: Span | undefined,
  fact: RunFactOf<'llm_call_completed' | 'tool_call_completed'>,
  key: string,
  hidden: boolean,
  pricing: Pricing | undefined,
): Span {
  const start = fact.duration_ms === undefined ? fact.timestamp : new Date(Date.parse(fact.timestamp) - fact.duration_ms).toISOString();
  const closed = span ?? openSpan(fact, key, start, hidden);
  closed.ended_at = fact.timestamp;
  closed.duration_ms = fact.duration_ms ?? elapsed(closed.started_at, fact.timestamp);
  closed.status = fact.error === undefined ? 'ok' : 'error';
  closed.error = fact.error ?? null;
  closed.rolled_back ||= hidden;
  if (fact.type === 'llm_call_completed') {
    closed.token_usage = usageOf(fact);
    closed.cost = callCost(fact.cost_info, fact.model, pricing);
    closed.first_token_ms = fact.first_token_ms ?? null;
    closed.finish_reason = fact.finish_reason ?? null;
    closed.content_preview = fact.content_preview ?? null;
  } else {
    closed.result = fact.result ?? null;
  }
  return closed;
}

/** The spans of one run (its facts in fact order): LLM and tool calls, paired as callPairing says. */
function spansOf(facts: readonly RunFact[], hidden: (fact: RunFact) => boolean, pricing: Pricing | undefined): Span[] {
  const spans = new Map<string, Span>();
  const callKey = callPairing();
  for (const fact of facts) {
    if (fact.type === 'llm_call_started' || fact.type === 'tool_call_started') {
      const key = callKey(fact);
      const span = spans.get(key);
      if (span) span.rolled_back ||= hidden(fact);
      else spans.set(key, openSpan(fact, key, fact.timestamp, hidden(fact)));
    } else if (fact.type === 'llm_call_completed' || fact.type === 'tool_call_completed') {
      const key = callKey(fact);
      spans.set(key, closeSpan(spans.get(key), fact, key, hidden(fact), pricing));
    }
  }
  return [...spans.values()].sort((a, b) => a.sequence - b.sequence);
}

/** Whether a run view passes a trace query's status and minimum-duration filters. */
export function traceFilter(query: Pick<TraceQuery, 'status' | 'min_duration_ms'>): (view: RunView) => boolean {
  const { status, min_duration_ms: least } = query;
  return (view) => (status === undefined || view.status === status) && (least === undefined || (view.duration_ms !== null && view.duration_ms >= least));
}

/** The trace of one run from its facts (in fact order) and its view. */
export function traceOf(facts: readonly RunFact[], view: RunView, pricing: Pricing | undefined): Trace {
  return { ...view, spans: spansOf(facts, rolledBackTest(facts), pricing) };
}

/** Traces of the runs in `facts`: status and minimum-duration filters, newest first, then offset and limit. */
export function traces(facts: readonly RunFact[], query: WithoutTimes<TraceQuery>, pricing?: Pricing): Trace[] {
  const passes = traceFilter(query);
  const found: Trace[] = [];
  for (const run of byRun(facts).values()) {
    const view = buildRun(run, pricing);
    if (passes(view)) found.push(traceOf(run, view, pricing));
  }
  return pageOf(found.sort(newestFirst), query);
}
