import { api, link } from './api.js';
import { periods, sinceOf } from './forms.js';
import { badge, duration, h, money, num, right, states, table, time } from './dom.js';

/** Totals of a period, the latest conversations and runs. */
export async function overviewPage(params) {
  const since = sinceOf(params);
  const totals = await api('overview', { since });
  const [conversations, runs] = await Promise.all([
    api('conversations', { since, limit: 5, compact: 1 }),
    totals.runs ? api('runs', { since, limit: 5 }) : null,
  ]);
  const cards = [
    ['Conversations', num(totals.conversations)],
    ['Messages', num(totals.messages)],
    ['Tokens', num(totals.tokens)],
    ['Cost', money(totals.cost)],
    totals.runs ? ['Runs', num(totals.runs.total), `${num(totals.runs.completed)} completed · ${num(totals.runs.failed)} failed · ${num(totals.runs.running)} running`] : null,
    totals.runs ? ['LLM calls', num(totals.llm_calls), `${num(totals.llm_tokens)} tokens · ${money(totals.llm_cost)}`] : null,
  ].filter(Boolean);
  return h(
    'section',
    {},
    h('h1', {}, 'Overview'),
    periods('', params),
    h('ul', { class: 'totals' }, cards.map(([name, value, note]) => h('li', {}, h('span', { class: 'total-name' }, name), h('span', { class: 'total-value' }, value), note ? h('span', { class: 'total-note' }, note) : null))),
    h('p', { class: 'meta' }, `agents: ${totals.agents.join(', ') || '—'} · models: ${totals.models.join(', ') || '—'}`),
    h('h2', {}, 'Latest conversations'),
    conversations.items.length
      ? table(['Conversation', 'Agent', 'Started', right('Tokens')], conversations.items.map((c) => [h('a', { href: link(`conversations/${encodeURIComponent(c.conversation_id)}`) }, c.conversation_id), c.agent_name ?? '—', time(c.start_time), right(num(c.token_usage?.total ?? 0))]))
      : states.empty('No conversations in this period.'),
    runs ? h('h2', {}, 'Latest runs') : null,
    runs
      ? runs.items.length
        ? table(['Run', 'Agent', 'Status', 'Started', right('Duration'), right('Cost')], runs.items.map((r) => [h('a', { href: link(`runs/${encodeURIComponent(r.run_id)}`) }, r.run_id), r.agent_name, badge(r.status), time(r.started_at), right(duration(r.duration_ms)), right(money(r.cost))]))
        : states.empty('No runs in this period.')
      : null,
  );
}
