import { api, info, link } from './api.js';
import { filters } from './forms.js';
import { h, json, money, num, states, time } from './dom.js';
import { listParams, pager } from './paging.js';

const preview = (text, length = 160) => {
  const line = text.replace(/\s*\n\s*/g, ' ⏎ ');
  return line.length > length ? `${line.slice(0, length)}…` : line;
};

/** The conversation list: filters, newest first, paged. */
export async function conversationsPage(params) {
  const [page, overview] = await Promise.all([api('conversations', { ...listParams(params), compact: 1 }), api('overview', {})]);
  const form = filters('conversations', params, [
    { name: 'agent', label: 'Agent', options: overview.agents },
    { name: 'model', label: 'Model', options: overview.models },
    { name: 'q', label: 'Text', placeholder: 'contains…' },
    { name: 'since', label: 'Since', placeholder: '2d or 2026-11-01' },
    { name: 'until', label: 'Until', placeholder: '1h or 2026-11-30T12:00' },
  ]);
  const list = page.items.length === 0
    ? states.empty(Object.keys(listParams(params)).length ? 'No conversation matches these filters.' : 'No conversations yet: log some, or run `historian demo`.')
    : h('ol', { class: 'cards', 'aria-label': 'Conversations' }, page.items.map(card));
  return h('section', {}, h('h1', {}, 'Conversations'), form, list, pager('conversations', params, page));
}



function card(c) {
  const [first, last] = [c.messages[0], c.messages[c.messages.length - 1]];
  return h(
    'li',
    { class: 'card' },
    h('a', { class: 'card-title', href: link(`conversations/${encodeURIComponent(c.conversation_id)}`) }, c.conversation_id),
    h('span', { class: 'meta' }, c.agent_name ?? 'no agent', ' · ', time(c.start_time), ' · ', `${num(c.token_usage?.total ?? 0)} tokens`),
    first ? h('p', { class: 'preview' }, h('b', {}, `${first.role}${first.name ? ` ${first.name}` : ''}: `), preview(first.content)) : null,
    last && last !== first ? h('p', { class: 'preview' }, h('b', {}, `${last.role}${last.name ? ` ${last.name}` : ''}: `), preview(last.content)) : null,
  );
}

/** One conversation: its messages in order, with tool calls and context folded under each. */
export async function conversationPage(id) {
  const [c, about] = await Promise.all([api(`conversations/${encodeURIComponent(id)}`), info()]);
  // Answers that ended as they meant to; any other finish reason (length, max_tokens…) is flagged.
  const complete = new Set(about.complete_finish_reasons);
  const cost = c.messages.reduce((sum, m) => sum + (m.cost_info?.total_cost ?? 0), 0);
  return h(
    'section',
    {},
    h('p', { class: 'crumbs' }, h('a', { href: link('conversations') }, '← Conversations')),
    h('h1', {}, c.conversation_id),
    h('p', { class: 'meta' }, `agent ${c.agent_name ?? '—'} · started ${time(c.start_time)} · ${c.messages.length} messages · ${num(c.token_usage.total)} tokens · ${money(cost)}`),
    c.context?.length ? contextList(c.context) : null,
    c.messages.length ? h('ol', { class: 'messages' }, c.messages.map((m) => message(m, c.agent_name, complete))) : states.empty('This conversation has no messages.'),
  );
}

/** A message; a forwarded one shows the chain of agents it came through, ending at this conversation's agent. */
function message(m, agent, complete) {
  const usage = m.cost_info?.token_usage;
  const chain = m.forwarded_from?.length ? [...m.forwarded_from, agent ?? 'this conversation'] : null;
  return h(
    'li',
    { class: `message role-${m.role}` },
    h(
      'div',
      { class: 'message-head' },
      h('span', { class: 'role' }, m.role),
      m.name ? h('span', { class: 'agent' }, m.name) : null,
      m.model ? h('span', { class: 'model' }, m.model) : null,
      h('time', { datetime: m.timestamp }, time(m.timestamp)),
      usage ? h('span', { class: 'usage' }, `${num(usage.total)} tokens (${num(usage.prompt)} in, ${num(usage.completion)} out)`) : null,
      m.cost_info?.total_cost !== undefined ? h('span', { class: 'cost' }, money(m.cost_info.total_cost)) : null,
      m.response_time !== undefined ? h('span', { class: 'response-time' }, `${m.response_time} s`) : null,
      m.finish_reason ? h('span', { class: `finish${complete.has(m.finish_reason) ? '' : ' cut-short'}`, title: 'finish reason' }, m.finish_reason) : null,
    ),
    chain ? h('p', { class: 'chain', 'aria-label': 'Forwarding chain' }, 'forwarded: ', chain.join(' → ')) : null,
    h('div', { class: 'content' }, m.content),
    m.tool_calls?.length ? h('div', { class: 'tools' }, m.tool_calls.map(toolCall)) : null,
    m.context?.length ? contextList(m.context) : null,
  );
}

function toolCall(t) {
  return h(
    'details',
    { class: 'tool' },
    h('summary', {}, h('span', { class: 'tool-name' }, t.tool_name), ` (${Object.keys(t.args).join(', ') || 'no args'})`),
    h('div', { class: 'pair' }, h('div', {}, h('h4', {}, 'args'), json(t.args)), h('div', {}, h('h4', {}, 'result'), json(t.result))),
  );
}

function contextList(context) {
  return h(
    'div',
    { class: 'context' },
    context.map((x) => h('details', { class: 'tool' }, h('summary', {}, `context (${x.role}${x.name ? ` ${x.name}` : ''})`), h('pre', {}, x.content))),
  );
}
