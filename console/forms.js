import { link } from './api.js';
import { h } from './dom.js';

/**
 * A filter form: each field a labelled input or select; submitting it (Enter, or the button)
 * opens the first page of `path` with the filled-in values.
 */
export function filters(path, params, fields) {
  const form = h(
    'form',
    { class: 'filters', role: 'search' },
    fields.map((field) => {
      const id = `filter-${field.name}`;
      const control = field.options
        ? h('select', { id, name: field.name }, h('option', { value: '' }, field.any ?? 'any'), field.options.map((option) => h('option', { value: option, selected: params[field.name] === option }, option)))
        : h('input', { id, name: field.name, value: params[field.name] ?? '', placeholder: field.placeholder ?? '', type: 'search', autocomplete: 'off' });
      return h('label', { for: id }, h('span', {}, field.label), control);
    }),
    h('button', { type: 'submit' }, 'Apply'),
    h('a', { href: link(path), class: 'reset' }, 'Clear'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...new FormData(form)].map(([name, value]) => [name, String(value).trim()]));
    location.hash = link(path, values);
  });
  return form;
}

/** A period chooser: links to the same page with `since` set. */
export function periods(path, params, choices = ['1h', '1d', '7d', '30d', '']) {
  const current = params.since ?? '1d';
  return h(
    'nav',
    { class: 'periods', 'aria-label': 'Period' },
    choices.map((since) => h('a', { href: link(path, { ...params, since: since || 'all' }), 'aria-current': (current === since || (since === '' && current === 'all')) ? 'true' : null }, since ? `last ${since}` : 'all time')),
  );
}

/** The `since` a period chooser set (`all` is none). */
export function sinceOf(params, fallback = '1d') {
  const since = params.since ?? fallback;
  return since === 'all' ? undefined : since;
}
