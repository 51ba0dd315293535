// console (SQLite): the conversations page of `historian serve` over 1,000,000 stored messages,
// as the browser loads it (GET /api/conversations?compact=1&limit=50 over HTTP, with
// /api/overview for the filter choices, both at once), beside the same page read in process
// and encoded as `history show --limit 50 --page --format json` does.
import { join } from 'node:path';
import { createHistorian } from '../dist/index.js';
import { overview } from '../dist/history/summaries.js';
import { startConsole } from '../dist/serve/server.js';
import { fmt, printRows, tempDir, time } from './lib.mjs';

const MESSAGES = 1_000_000;
const PER_CONVERSATION = 10;
const AGENTS = 10;
const MODELS = ['openai/gpt-4o', 'openai/gpt-4o-mini', 'anthropic/claude-sonnet-4', 'google/gemini-2.5-pro', 'meta/llama-4'];
const TARGET_MS = 200;
const dir = tempDir('historian-console-bench-');
const url = `sqlite:///${join(dir, 'console.db')}`;

/** Conversation c's start and its ten messages, every other one an assistant reply with model and usage. */
function* conversation(c) {
  const t0 = Date.UTC(2026, 9, 1) + c * PER_CONVERSATION * 1000;
  yield { type: 'conversation_start', id: `s${c}`, conversation_id: `c${c}`, agent_name: `agent${c % AGENTS}`, timestamp: new Date(t0).toISOString() };
  for (let m = 0; m < PER_CONVERSATION; m++) {
    const i = c * PER_CONVERSATION + m;
    const entry = { type: 'message', id: `m${i}`, conversation_id: `c${c}`, role: m % 2 ? 'assistant' : 'user', content: `The quick brown fox ${i} jumps over the lazy dog`, timestamp: new Date(t0 + m * 1000 + 1).toISOString() };
    if (m % 2) Object.assign(entry, { model: MODELS[i % MODELS.length], cost_info: { token_usage: { total: 160, prompt: 120, completion: 40 }, total_cost: 0.0012 } });
    yield entry;
  }
}

async function seed() {
  const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
  for (let c = 0; c < MESSAGES / PER_CONVERSATION; c++) {
    for (const entry of conversation(c)) historian.log(entry);
    if (c % 500 === 499) await new Promise((done) => setImmediate(done));
  }
  await historian.close();
}

/** The median of `times` runs, in milliseconds. */
async function median(times, fn) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await time(fn));
  return runs.sort((a, b) => a - b)[Math.floor(times / 2)];
}

const seedMs = await time(seed);
const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
const history = historian.history();
const running = await startConsole({ source: { reopens: false, use: (work) => work(history) }, host: '127.0.0.1', port: 0 });
const get = async (path) => {
  const response = await fetch(new URL(path, running.url));
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
};
const page = (search) => Promise.all([get(`/api/conversations?compact=1&limit=50${search}`), get('/api/overview')]);
const inProcess = async (query) => JSON.stringify(await history.conversationsPage({ limit: 50, ...query }), null, 2);
/** What the page asks, in process: the list and the overview its filters are filled from (unfiltered, as the page asks it). */
const inProcessPage = (query) => Promise.all([inProcess(query), overview(history).then((o) => JSON.stringify(o))]);

await page('');
await inProcess({});
const pageMs = await median(15, () => page(''));
const listMs = await median(15, () => get('/api/conversations?compact=1&limit=50'));
const baseMs = await median(15, () => inProcess({}));
const pageBaseMs = await median(15, () => inProcessPage({}));
const filteredMs = await median(15, () => page('&agent=agent3&since=2026-10-01T00:00:00Z'));
const filteredBaseMs = await median(15, () => inProcessPage({ agent: 'agent3', since: '2026-10-01T00:00:00Z' }));
const laterMs = await median(15, () => page(`&cursor=${Buffer.from('o:5000').toString('base64url')}`));
await running.close();
await historian.close();

const ms = (value) => `${fmt(value, 1)} ms`;
printRows(`console (SQLite, ${fmt(MESSAGES)} messages in ${fmt(MESSAGES / PER_CONVERSATION)} conversations; seeded in ${fmt(seedMs / 1000, 1)} s)`, [
  { bench: 'conversations page over HTTP (list + overview)', ours: ms(pageMs), baseline: `${ms(pageBaseMs)} the same two in process`, ratio: fmt(pageMs / pageBaseMs, 2), target: `< ${TARGET_MS} ms`, ok: pageMs < TARGET_MS },
  { bench: 'the list request alone', ours: ms(listMs), baseline: `${ms(baseMs)} in process (history show --page --format json)`, ratio: fmt(listMs / baseMs, 2), target: `< ${TARGET_MS} ms`, ok: listMs < TARGET_MS },
  { bench: 'page filtered by agent and since', ours: ms(filteredMs), baseline: ms(filteredBaseMs), ratio: fmt(filteredMs / filteredBaseMs, 2), target: `< ${TARGET_MS} ms`, ok: filteredMs < TARGET_MS },
  { bench: 'page 101 (cursor at 5,000)', ours: ms(laterMs), target: `< ${TARGET_MS} ms`, ok: laterMs < TARGET_MS },
]);
