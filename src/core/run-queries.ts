import type { RunFact, RunFactType } from './entries.js';
import type { RunTokenUsage, TimeInput } from './queries.js';

export type { RunTokenUsage } from './queries.js';

/** A run's status as its facts tell it. */
export type RunStatus = 'running' | 'completed' | 'failed';

/**
 * One run rebuilt from its facts: the JSON shape of SPEC §3.6, plus `user_input`,
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

/** Which steps to list: one session's, one run's, or one run's within a session. */
export interface StepQuery {
  session?: string;
  run?: string;
}

/** One span of a trace: an LLM call or a tool call. */
export interface Span {
  /** The call's `call_id`. */
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
}

/**
 * Which facts a provider selects (every field optional, all ANDed). Views are rebuilt from the
 * selection by one shared module, so providers only filter: sql does it in the database by
 * indexed columns, in one statement.
 */
export interface RunFactQuery {
  session_id?: string;
  run_id?: string;
  agent?: string;
  types?: RunFactType[];
  /** Facts logged in this window (inclusive ISO bounds). */
  since?: string;
  until?: string;
  /** Every fact of the runs whose first fact lies in this window (inclusive ISO bounds). */
  started_since?: string;
  started_until?: string;
}

/** The run-log side of a readable provider (SPEC §3.6). */
export interface RunReader {
  /** The stored facts matching the query, each with its `sequence`, in any order. */
  facts(query: RunFactQuery): Promise<RunFact[]>;
}
