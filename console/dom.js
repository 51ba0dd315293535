// Small helpers: elements built with text (never HTML from data), and number, time and money formats.

/** An element: h('a', { href: '#/' }, 'text', child…). Attributes starting with "on" are listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** An SVG element. */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

const pad = (n) => String(n).padStart(2, '0');

/** A local date and time: 2026-11-23 14:05:09. */
export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration: 850 ms, 2.3 s, 4 m 10 s. */
export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

/** US dollars with four decimals, as the CLI prints them. */
export function money(usd) {
  return usd === null || usd === undefined ? '—' : `$${usd.toFixed(4)}`;
}

/** A whole number with thousands separators. */
export function num(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US');
}

/** A status badge. */
export function badge(status) {
  return h('span', { class: `badge badge-${status}` }, status);
}

/** The states a page shows while it has no data of its own. */
export const states = {
  loading: (what) => h('p', { class: 'state loading', role: 'status' }, `Loading ${what}…`),
  empty: (text) => h('p', { class: 'state empty' }, text),
  error: (error) => h('div', { class: 'state error', role: 'alert' }, h('strong', {}, 'Could not load this page. '), error.message),
};

/** A right-aligned (numeric) cell or header for `table`. */
export const right = (content) => ({ right: content });

/** A table cell: `right(x)` aligns x to the right, anything else is the cell's content. */
function cell(tag, content, attributes = {}) {
  const aligned = content !== null && typeof content === 'object' && !(content instanceof Node) && 'right' in content;
  return h(tag, { ...attributes, class: aligned ? 'num' : null }, aligned ? content.right : content);
}

/** A table: headers and rows of cells (text, nodes, or `right(…)`). */
export function table(headers, rows) {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, headers.map((name) => cell('th', name, { scope: 'col' })))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((content) => cell('td', content))))),
  );
}

/** Pretty JSON in a <pre>. */
export function json(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}
