import { duration, h, json, money, num } from './dom.js';

/**
 * A run's trace as a waterfall: a row per LLM or tool call, its bar placed on the run's time
 * axis. Each bar is a button; choosing one shows the call's detail below.
 */
export function waterfall(run) {
  const start = Date.parse(run.started_at);
  const ends = run.spans.map((s) => Date.parse(s.ended_at ?? s.started_at));
  const end = Math.max(run.ended_at ? Date.parse(run.ended_at) : start, ...ends, start + 1);
  const total = end - start;
  const detail = h('div', { class: 'span-detail', 'aria-live': 'polite' }, h('p', { class: 'state' }, 'Choose a bar to see its call.'));
  const rows = run.spans.map((span) => {
    const left = ((Date.parse(span.started_at) - start) / total) * 100;
    const width = Math.max((((span.duration_ms ?? end - Date.parse(span.started_at)) / total) * 100), 0.4);
    const bar = h(
      'button',
      {
        class: `bar bar-${span.kind} bar-${span.status}${span.rolled_back ? ' bar-rolled-back' : ''}`,
        'aria-label': `${span.kind === 'llm' ? 'LLM call' : 'tool call'} ${span.name}, ${duration(span.duration_ms)}, ${span.status}`,
        'aria-pressed': 'false',
        onclick: () => {
          for (const other of rows) other.querySelector('.bar').setAttribute('aria-pressed', 'false');
          bar.setAttribute('aria-pressed', 'true');
          detail.replaceChildren(spanDetail(span));
        },
      },
      h('span', { class: 'bar-label' }, duration(span.duration_ms)),
    );
    // Positions are set as properties: the page's content security policy forbids style attributes.
    bar.style.left = `${Math.min(left, 99.6)}%`;
    bar.style.width = `${Math.min(width, 100 - Math.min(left, 99.6))}%`;
    return h('div', { class: 'wf-row' }, h('div', { class: 'wf-name' }, h('span', { class: `kind kind-${span.kind}` }, span.kind === 'llm' ? 'LLM' : 'tool'), ` ${span.name}`), h('div', { class: 'wf-track' }, bar));
  });
  return h('div', { class: 'waterfall' }, axis(total), h('div', { class: 'wf-rows', role: 'group', 'aria-label': 'Calls on the time axis' }, rows), detail);
}

function axis(total) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const tick = h('span', { class: 'tick' }, duration(total * f));
    tick.style.left = `${f * 100}%`;
    return tick;
  });
  return h('div', { class: 'wf-row wf-axis', 'aria-hidden': 'true' }, h('div', { class: 'wf-name' }), h('div', { class: 'wf-track' }, ticks));
}

function spanDetail(span) {
  const rows = [
    ['Kind', span.kind === 'llm' ? 'LLM call' : 'tool call'],
    [span.kind === 'llm' ? 'Model' : 'Tool', span.name],
    ['Status', span.status + (span.rolled_back ? ' (rolled back)' : '')],
    ['Duration', duration(span.duration_ms)],
    span.kind === 'llm' ? ['Usage', span.token_usage ? `${num(span.token_usage.total)} tokens (${num(span.token_usage.prompt)} in, ${num(span.token_usage.completion)} out, ${num(span.token_usage.cache_read)} cached)` : '—'] : null,
    span.kind === 'llm' ? ['Cost', money(span.cost)] : null,
    span.first_token_ms !== null ? ['First token', duration(span.first_token_ms)] : null,
    span.finish_reason ? ['Finish reason', span.finish_reason] : null,
    span.error ? ['Error', span.error] : null,
  ].filter(Boolean);
  return h(
    'div',
    {},
    h('h3', {}, `${span.kind === 'llm' ? 'LLM call' : 'Tool call'} ${span.span_id}`),
    h('dl', { class: 'facts' }, rows.map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
    span.content_preview ? [h('h4', {}, 'Content'), h('div', { class: 'content' }, span.content_preview)] : null,
    span.kind === 'tool' ? h('div', { class: 'pair' }, h('div', {}, h('h4', {}, 'args'), json(span.args)), h('div', {}, h('h4', {}, 'result'), json(span.result))) : null,
  );
}
