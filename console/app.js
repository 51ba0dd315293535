import { info, route } from './api.js';
import { conversationPage, conversationsPage } from './conversations.js';
import { h, states } from './dom.js';
import { overviewPage } from './overview.js';
import { runPage, runsPage, sessionsPage } from './runs.js';
import { statsPage } from './stats.js';

const view = document.getElementById('view');
const status = document.getElementById('status');

/** The page for the current address: its navigation name, what it loads, and whether live updates refresh it. */
function pageFor({ parts, params }) {
  const [name = 'overview', id] = parts;
  if (name === 'conversations' && id) return { nav: name, what: 'the conversation', load: () => conversationPage(id) };
  if (name === 'runs' && id) return { nav: name, what: 'the run', load: () => runPage(id, params) };
  const lists = { overview: overviewPage, conversations: conversationsPage, stats: statsPage, runs: runsPage, sessions: sessionsPage };
  if (!lists[name]) return { nav: '', what: 'the page', load: async () => states.empty(`There is no page "${name}".`) };
  return { nav: name, what: name, live: true, load: () => lists[name](params) };
}

let rendering = 0;

/** Shows the current page: a loading state at once (unless `quiet`), then the page or its error. */
async function render({ quiet = false } = {}) {
  const ticket = ++rendering;
  const page = pageFor(route());
  for (const link of document.querySelectorAll('[data-nav]')) link.toggleAttribute('aria-current', link.dataset.nav === page.nav);
  if (!quiet) view.replaceChildren(states.loading(page.what));
  view.setAttribute('aria-busy', 'true');
  let content;
  try {
    content = await page.load();
  } catch (error) {
    content = states.error(error);
  }
  if (ticket !== rendering) return; // a later navigation won
  view.replaceChildren(content);
  view.removeAttribute('aria-busy');
  if (!quiet) {
    document.title = `${page.what[0].toUpperCase()}${page.what.slice(1)} · historian`;
    view.focus({ preventScroll: true });
  }
  return page;
}

/** With --follow: new entries refresh a list page in place, a second after the last one came. */
function followLive() {
  const events = new EventSource('/api/events');
  let timer;
  let fresh = 0;
  events.addEventListener('open', () => (status.textContent = '● live'));
  events.addEventListener('entry', () => {
    fresh += 1;
    clearTimeout(timer);
    timer = setTimeout(() => {
      status.textContent = `● live · ${fresh} new`;
      fresh = 0;
      if (pageFor(route()).live) void render({ quiet: true });
    }, 1000);
  });
  events.addEventListener('failure', (event) => (status.textContent = `live updates stopped: ${JSON.parse(event.data).error}`));
  events.addEventListener('error', () => (status.textContent = events.readyState === EventSource.CLOSED ? 'live updates stopped' : 'reconnecting…'));
}

window.addEventListener('hashchange', () => void render());
void render();
info()
  .then((info) => {
    document.querySelector('.brand').append(h('span', { class: 'provider' }, ` · ${info.provider}`));
    for (const link of document.querySelectorAll('[data-nav="runs"], [data-nav="sessions"]')) link.hidden = !info.runs;
    if (info.follow) followLive();
  })
  .catch(() => {});
