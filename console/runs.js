import { api, link } from './api.js';
import { filters } from './forms.js';
import { badge, duration, h, money, num, right, states, table, time } from './dom.js';
import { listParams, pager } from './paging.js';
import { waterfall } from './waterfall.js';

/** The run list: status, duration, tokens and cost, newest first, paged. */
export async function runsPage(params) {
  const [page, overview] = await Promise.all([api('runs', listParams(params)), api('overview', {})]);
  const form = filters('runs', params, [
    { name: 'status', label: 'Status', options: ['running', 'completed', 'failed'] },
    { name: 'agent', label: 'Agent', options: overview.agents },
    { name: 'session', label: 'Session', placeholder: 'session id' },
    { name: 'since', label: 'Since', placeholder: '2d or 2026-11-01' },
  ]);
  const rows = page.items.map((r) => [
    h('a', { href: link(`runs/${encodeURIComponent(r.run_id)}`) }, r.run_id),
    r.agent_name,
    h('a', { href: link('runs', { session: r.session_id }) }, r.session_id),
    badge(r.status),
    time(r.started_at),
    right(duration(r.duration_ms)),
    right(num(r.llm_calls)),
    right(num(r.tool_calls)),
    right(num(r.token_usage.total)),
    right(money(r.cost)),
  ]);
  const body = rows.length ? table(['Run', 'Agent', 'Session', 'Status', 'Started', right('Duration'), right('LLM calls'), right('Tools'), right('Tokens'), right('Cost')], rows) : states.empty('No run matches these filters.');
  return h('section', {}, h('h1', {}, 'Runs'), form, body, pager('runs', params, page));
}

/** One run: what it was asked and answered, its trace as a waterfall, and its steps. */
export async function runPage(id, params) {
  const { run, steps } = await api(`runs/${encodeURIComponent(id)}`, { cursor: params.cursor });
  return h(
    'section',
    {},
    h('p', { class: 'crumbs' }, h('a', { href: link('runs') }, '← Runs'), ' · ', h('a', { href: link('runs', { session: run.session_id }) }, `session ${run.session_id}`)),
    h('h1', {}, run.run_id, ' ', badge(run.status)),
    h(
      'dl',
      { class: 'facts' },
      fact('Agent', run.agent_name),
      fact('Started', time(run.started_at)),
      fact('Duration', duration(run.duration_ms)),
      fact('Tokens', `${num(run.token_usage.total)} (${num(run.token_usage.prompt)} in, ${num(run.token_usage.completion)} out)`),
      fact('Cost', money(run.cost)),
      run.parent_run_id ? fact('Parent run', h('a', { href: link(`runs/${encodeURIComponent(run.parent_run_id)}`) }, run.parent_run_id)) : null,
      run.termination_reason ? fact('Stopped', run.termination_reason) : null,
    ),
    run.user_input !== null ? h('div', { class: 'io' }, h('h2', {}, 'Input'), h('div', { class: 'content' }, run.user_input)) : null,
    run.response !== null ? h('div', { class: 'io' }, h('h2', {}, 'Response'), h('div', { class: 'content' }, run.response)) : null,
    run.error !== null ? h('div', { class: 'io error' }, h('h2', {}, 'Error'), h('div', { class: 'content' }, run.error)) : null,
    h('h2', {}, 'Trace'),
    run.spans.length ? waterfall(run) : states.empty('This run made no LLM or tool calls.'),
    h('h2', {}, 'Steps'),
    steps.items.length
      ? table([right('#'), 'Time', 'Step', 'Detail'], steps.items.map((s) => [right(s.sequence ?? ''), time(s.timestamp), s.type.replace(/_/g, ' '), stepDetail(s)]))
      : states.empty('No steps.'),
    steps.next_cursor ? h('p', {}, h('a', { href: link(`runs/${encodeURIComponent(id)}`, { cursor: steps.next_cursor }) }, 'Later steps →')) : null,
  );
}

function fact(name, value) {
  return [h('dt', {}, name), h('dd', {}, value)];
}

function stepDetail(s) {
  switch (s.type) {
    case 'llm_call_started':
    case 'llm_call_completed':
      return `${s.model}${s.finish_reason ? ` · ${s.finish_reason}` : ''}${s.error ? ` · ${s.error}` : ''}`;
    case 'tool_call_started':
    case 'tool_call_completed':
      return `${s.tool_name}${s.error ? ` · ${s.error}` : ''}`;
    case 'termination_decided':
      return `${s.reason} (by ${s.source})`;
    case 'run_failed':
      return s.error;
    default:
      return '';
  }
}

/** Sessions with their runs summed: runs, completed and failed, tokens, cost, last activity. */
export async function sessionsPage(params) {
  const page = await api('sessions', listParams(params));
  const rows = page.items.map((s) => [
    h('a', { href: link('runs', { session: s.session_id }) }, s.session_id),
    s.agents.join(', '),
    right(num(s.runs)),
    right(num(s.completed)),
    right(num(s.failed)),
    right(num(s.running)),
    right(num(s.token_usage.total)),
    right(money(s.cost)),
    time(s.last_activity),
  ]);
  const form = filters('sessions', params, [
    { name: 'agent', label: 'Agent', placeholder: 'agent name' },
    { name: 'since', label: 'Since', placeholder: '7d or 2026-11-01' },
  ]);
  const body = rows.length ? table(['Session', 'Agents', right('Runs'), right('Completed'), right('Failed'), right('Running'), right('Tokens'), right('Cost'), 'Last activity'], rows) : states.empty('No sessions: runs appear here once agents log run facts.');
  return h('section', {}, h('h1', {}, 'Sessions'), form, body, pager('sessions', params, page));
}
