import { api, link } from './api.js';
import { stackedBars } from './charts.js';
import { periods, sinceOf } from './forms.js';
import { h, money, num, right, states, table } from './dom.js';

/** Tokens and cost over time, by agent and by model, and the totals per group. */
export async function statsPage(params) {
  const since = sinceOf(params, '7d');
  const bucket = params.bucket === 'day' || (params.bucket !== 'hour' && (since === undefined || /^(\d+)d$/.test(since) && Number(since.slice(0, -1)) > 2)) ? 'day' : 'hour';
  const group = ['agent', 'model', 'hour', 'day'].includes(params.group_by) ? params.group_by : 'agent';
  const [byAgent, byModel, stats] = await Promise.all([
    api('stats/series', { by: 'agent', bucket, since }),
    api('stats/series', { by: 'model', bucket, since }),
    api('stats', { group_by: group, since }),
  ]);
  const chart = (series, measure, title, format) =>
    stackedBars({ title, keys: series.keys, points: series.points.map((p) => ({ time: p.time, key: p.key, value: p[measure] })), format });
  const cost = (usd) => (usd >= 1 ? `$${usd.toFixed(2)}` : money(usd));
  const groupLinks = h(
    'nav',
    { class: 'periods', 'aria-label': 'Group by' },
    ['agent', 'model', 'hour', 'day'].map((g) => h('a', { href: link('stats', { ...params, group_by: g }), 'aria-current': g === group ? 'true' : null }, `by ${g}`)),
  );
  const rows = stats.groups.map((g) => [g.key ?? '(none)', right(num(g.messages)), right(num(g.total_tokens)), right(money(g.cost)), right(num(g.llm_calls ?? 0)), right(money(g.llm_cost ?? 0)), g.models.join(', ')]);
  return h(
    'section',
    {},
    h('h1', {}, 'Stats'),
    periods('stats', { ...params, since: params.since ?? '7d' }),
    h('p', { class: 'meta' }, `per ${bucket} · message tokens and cost`),
    h(
      'div',
      { class: 'charts' },
      chart(byAgent, 'tokens', 'Tokens by agent', (v) => num(Math.round(v))),
      chart(byAgent, 'cost', 'Cost by agent', cost),
      chart(byModel, 'tokens', 'Tokens by model', (v) => num(Math.round(v))),
      chart(byModel, 'cost', 'Cost by model', cost),
    ),
    h('h2', {}, 'Totals'),
    groupLinks,
    rows.length ? table([group[0].toUpperCase() + group.slice(1), right('Messages'), right('Tokens'), right('Cost'), right('LLM calls'), right('LLM cost'), 'Models'], rows) : states.empty('No messages in this period.'),
  );
}
