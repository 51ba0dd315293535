import type { RunFact, RunFactType } from './entries.js';
import type { RunTokenUsage, StatsGroup, TimeInput } from './queries.js';

export type { RunTokenUsage } from './queries.js';

/** A run's status as its facts tell it. */
export const RUN_STATUSES = ['running', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * One run rebuilt from its facts: the JSON shape of docs/runs.md, plus `user_input`,
 * `parent_run_id`, `termination_reason` and `tool_calls`.
 */
export interface RunView {
  run_id: string;
  session_id: string;
  agent_name: string;
  status: RunStatus;
  /** The time of the run's first fact. */
  started_at: string;
  /** The time of its `run_finished` / `run_failed`; null while running. */
  ended_at: string | null;
  duration_ms: number | null;
  response: string | null;
  error: string | null;
  /** How many LLM calls the run made (rolled-back ones included: they were paid for). */
  llm_calls: number;
  token_usage: RunTokenUsage;
  /** USD: runtime-given costs, else priced from `storage.pricing`. */
  cost: number;
  user_input: string | null;
  parent_run_id: string | null;
  termination_reason: string | null;
  tool_calls: number;
}

/** Filters of the run list: newest first, then `offset` and `limit`. */
export interface RunQuery {
  session?: string;
  agent?: string;
  status?: RunStatus;
  /** Lower bound (inclusive) of the run's start. */
  since?: TimeInput;
  /** Upper bound (inclusive) of the run's start. */
  until?: TimeInput;
  limit?: number;
  offset?: number;
}

/** Which steps to list: one session's, one run's, or one run's within a session; then `offset` and `limit`. */
export interface StepQuery {
  session?: string;
  run?: string;
  limit?: number;
  offset?: number;
}

/** One page of a list, and where it stands in the whole. */
export interface Page<T> {
  items: T[];
  /** How many items match the query in all, before `offset` and `limit`. */
  total: number;
  /** Whether items follow this page. */
  has_more: boolean;
}

/** One span of a trace: an LLM call or a tool call. */
export interface Span {
  /** The call's `call_id`; `#1`, `#2`… for LLM calls of the run logged without one, in their order. */
  span_id: string;
  kind: 'llm' | 'tool';
  /** The model of an LLM call, the tool of a tool call. */
  name: string;
  started_at: string;
  ended_at: string | null;
  duration_ms: number | null;
  status: 'running' | 'ok' | 'error';
  error: string | null;
  /** Usage of an LLM call; null for tool calls and calls that reported none. */
  token_usage: RunTokenUsage | null;
  /** USD of an LLM call; null for tool calls. */
  cost: number | null;
  /** LLM calls: time to the first token, as reported. */
  first_token_ms: number | null;
  /** LLM calls: why the model stopped. */
  finish_reason: string | null;
  /** Sequence of the fact that opened the span. */
  sequence: number;
  /** Whether a `run_rolled_back` covers the span's facts. */
  rolled_back: boolean;
  /** Tool calls: the arguments the call was made with; null for LLM calls and when none were logged. */
  args: Record<string, unknown> | null;
  /** Tool calls: what the call returned; null for LLM calls and while running. */
  result: unknown;
  /** LLM calls: the start of the response, as reported; null for tool calls and when none was given. */
  content_preview: string | null;
}

/** A run's trace: the run view with its spans in order. */
export interface Trace extends RunView {
  spans: Span[];
}

/** Filters of the trace list: newest first. */
export interface TraceQuery {
  agent?: string;
  session?: string;
  /** Lower bound (inclusive) of the run's start. */
  since?: TimeInput;
  /** Upper bound (inclusive) of the run's start. */
  until?: TimeInput;
  status?: RunStatus;
  /** Only runs that ended and took at least this long, in ms. */
  min_duration_ms?: number;
  limit?: number;
  offset?: number;
}

/**
 * Which facts a provider selects (every field optional, all ANDed). Views are rebuilt from the
 * selection by one shared module, so providers only filter: sql does it in the database by
 * indexed columns, in one statement.
 */
export interface RunFactQuery {
  session_id?: string;
  run_id?: string;
  /** Every fact of these runs. */
  run_ids?: string[];
  agent?: string;
  types?: RunFactType[];
  /** Facts logged in this window (inclusive ISO bounds). */
  since?: string;
  until?: string;
  /** Every fact of the runs whose first fact lies in this window (inclusive ISO bounds). */
  started_since?: string;
  started_until?: string;
}

/** Which runs to page through, newest first by start (ties: run id descending). */
export interface RunPageQuery {
  session_id?: string;
  agent?: string;
  /** Runs whose first fact lies in this window (inclusive ISO bounds). */
  started_since?: string;
  started_until?: string;
  /** The status the run's facts give: the later of its `run_finished` / `run_failed` decides. */
  status?: RunStatus;
  offset?: number;
  limit?: number;
  /** Count every run that matches too (`RunIdPage.total`). */
  count?: boolean;
}

/** A page of run ids, newest first, and, when the query asked, how many runs match in all. */
export interface RunIdPage {
  run_ids: string[];
  total?: number;
}

/** Which LLM calls (`llm_call_completed` facts) to sum, by their own time and agent. */
export interface LlmCallQuery {
  group_by: StatsGroup;
  since?: string;
  until?: string;
  agent?: string;
}

/**
 * The LLM calls of one stats key and model, summed. Usage sums count the calls that reported
 * usage; `given_cost` sums the runtime-given costs; `unpriced` sums, over the calls that reported
 * usage without a cost, what the pricing table needs (`uncached` input is the prompt less its
 * cached tokens, never below 0).
 */
export interface LlmCallTotals {
  key: string | null;
  model: string;
  calls: number;
  usage: RunTokenUsage;
  given_cost: number;
  unpriced: { uncached: number; cache_read: number; cache_write: number; completion: number };
}

/**
 * The run-log side of a readable provider (docs/runs.md). `facts` is enough: views are rebuilt
 * from facts by one shared module. A provider that can do better (sql) also pages runs, lists
 * steps and sums LLM calls itself, and must give the same answers.
 */
export interface RunReader {
  /** The stored facts matching the query, each with its `sequence`, in any order. */
  facts(query: RunFactQuery): Promise<RunFact[]>;
  /** A page of the runs matching the query, selected and ordered by the provider. */
  runIds?(query: RunPageQuery): Promise<RunIdPage>;
  /** Steps (see `History.steps`), filtered, ordered and paged by the provider. */
  steps?(query: StepQuery): Promise<Page<RunFact>>;
  /** LLM calls summed per stats key and model by the provider. */
  llmCalls?(query: LlmCallQuery): Promise<LlmCallTotals[]>;
}
