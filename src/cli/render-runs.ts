import type { RunFact } from '../core/entries.js';
import type { RunView, Span, Trace } from '../core/run-queries.js';
import { paint, shortTime, table } from './render.js';
import { count } from '../core/count.js';

/** `1.5s`, `250ms`, `2m05s`; `-` when unknown. */
export function durationText(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

function money(value: number | null): string {
  return value === null ? '' : `$${value.toFixed(4)}`;
}

const STATUS_STYLE = { running: 'yellow', completed: 'green', failed: 'red', ok: 'green', error: 'red' } as const;

function status(text: keyof typeof STATUS_STYLE): string {
  return paint(STATUS_STYLE[text], text);
}

/** Runs, one aligned line each. */
export function renderRuns(runs: RunView[]): string {
  if (runs.length === 0) return 'no runs found';
  const header = ['run', 'agent', 'session', 'status', 'started', 'duration', 'llm calls', 'tokens', 'cost'];
  const rows = runs.map((r) => [
    r.run_id,
    r.agent_name,
    r.session_id,
    status(r.status),
    shortTime(r.started_at),
    durationText(r.duration_ms),
    String(r.llm_calls),
    String(r.token_usage.total),
    money(r.cost),
  ]);
  return table([header, ...rows], new Set([5, 6, 7, 8]));
}

function stepLine(fact: RunFact): string {
  switch (fact.type) {
    case 'run_started':
      return `run started: ${fact.user_input}`;
    case 'run_finished':
      return `run finished: ${fact.response}`;
    case 'run_failed':
      return `run failed: ${fact.error}`;
    case 'llm_call_started':
      return `llm call${fact.call_id === undefined ? '' : ` ${fact.call_id}`} → ${fact.model}`;
    case 'llm_call_completed':
      return `llm call${fact.call_id === undefined ? '' : ` ${fact.call_id}`} ← ${fact.model}${fact.error ? ` failed: ${fact.error}` : fact.finish_reason ? ` (${fact.finish_reason})` : ''}`;
    case 'termination_decided':
      return `termination decided by ${fact.source}: ${fact.reason}`;
    case 'tool_call_started':
      return `tool ${fact.tool_name} (${fact.call_id}) started`;
    case 'tool_call_completed':
      return `tool ${fact.tool_name} (${fact.call_id}) ${fact.error ? `failed: ${fact.error}` : 'done'}`;
    case 'run_rolled_back':
      return `rolled back ${fact.from_sequence}–${fact.to_sequence}`;
  }
}

/** One run: its fields, then its steps in sequence order. */
export function renderRun({ run, steps }: { run: RunView; steps: RunFact[] }): string {
  const tokens = run.token_usage;
  const lines = [
    `${paint('bold', run.run_id)}  ${paint('cyan', run.agent_name)}  session ${run.session_id}  ${status(run.status)}`,
    `  started   ${shortTime(run.started_at)}${run.ended_at ? ` · ended ${shortTime(run.ended_at)} · ${durationText(run.duration_ms)}` : ''}`,
    ...(run.parent_run_id ? [`  parent    ${run.parent_run_id}`] : []),
    ...(run.user_input !== null ? [`  input     ${run.user_input}`] : []),
    ...(run.response !== null ? [`  response  ${run.response}`] : []),
    ...(run.error !== null ? [`  error     ${paint('red', run.error)}`] : []),
    ...(run.termination_reason !== null ? [`  stopped   ${run.termination_reason}`] : []),
    `  usage     ${count(run.llm_calls, 'llm call')}, ${count(run.tool_calls, 'tool call')} · ${count(tokens.total, 'token')} (${tokens.prompt} prompt, ${tokens.completion} completion, ${tokens.cache_read} cache read, ${tokens.cache_write} cache write) · ${money(run.cost)}`,
  ];
  if (steps.length === 0) return lines.join('\n');
  const rows = steps.map((s) => [String(s.sequence ?? ''), paint('dim', s.timestamp.slice(11, 23)), stepLine(s)]);
  return `${lines.join('\n')}\n  steps\n${table(rows, new Set([0]))
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}`;
}

function spanRow(trace: Trace, span: Span, last: boolean): string[] {
  const offset = Date.parse(span.started_at) - Date.parse(trace.started_at);
  return [
    `  ${last ? '└' : '├'} ${span.kind}`,
    span.name + (span.rolled_back ? paint('dim', ' (rolled back)') : ''),
    `+${durationText(offset)}`,
    durationText(span.duration_ms),
    status(span.status === 'running' ? 'running' : span.status),
    span.token_usage ? `${span.token_usage.total} tok` : '',
    money(span.cost),
  ];
}

/** Traces: a line per run, then its spans as a tree with start offsets and durations. */
export function renderTraces(traces: Trace[]): string {
  if (traces.length === 0) return 'no traces found';
  return traces
    .map((t) => {
      const header = `${paint('bold', t.run_id)}  ${paint('cyan', t.agent_name)}  ${t.session_id}  ${status(t.status)}  ${shortTime(t.started_at)}  ${durationText(t.duration_ms)}  ${count(t.token_usage.total, 'token')}  ${money(t.cost)}`;
      if (t.spans.length === 0) return `${header}\n  (no spans)`;
      return `${header}\n${table(t.spans.map((s, i) => spanRow(t, s, i === t.spans.length - 1)), new Set([2, 3, 5, 6]))}`;
    })
    .join('\n\n');
}
