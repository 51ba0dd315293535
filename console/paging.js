import { link } from './api.js';
import { h, num } from './dom.js';

/**
 * Where a page stands and the way to the next one. The cursor is opaque, so the position of the
 * page (`from`) travels in the address beside it; going back is the browser's Back.
 */
export function pager(path, params, page) {
  const from = Number(params.from ?? 1);
  const to = from + page.items.length - 1;
  const shown = page.items.length === 0 ? `none of ${num(page.total)}` : `${num(from)}–${num(to)} of ${num(page.total)}`;
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h('span', {}, shown),
    from > 1 ? h('a', { href: link(path, { ...params, cursor: undefined, from: undefined }) }, '« Newest') : null,
    page.next_cursor ? h('a', { href: link(path, { ...params, cursor: page.next_cursor, from: to + 1 }), rel: 'next' }, 'Next page →') : null,
  );
}

/** The API parameters of a listing page: its own filters and cursor, without the `from` the pager keeps. */
export function listParams(params) {
  const { from, ...rest } = params;
  return rest;
}
