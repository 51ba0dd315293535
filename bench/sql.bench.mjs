// sql (SQLite): logging 200k messages through the manifest-built logger vs raw better-sqlite3
// prepared inserts batched in transactions (same rows, same schema, same pragmas), and query
// times over 1,000,000 stored messages (filtered conversation list, stats by model).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createHistorian } from '../dist/index.js';
import { fmt, printRows, tempDir, time } from './lib.mjs';

const MESSAGES = 200_000;
const PER_CONVERSATION = 10;
const STORED = 1_000_000;
const AGENTS = 10;
const MODELS = ['openai/gpt-4o', 'openai/gpt-4o-mini', 'anthropic/claude-sonnet-4', 'google/gemini-2.5-pro', 'meta/llama-4'];
const dir = tempDir('historian-sql-bench-');
let run = 0;

/** Message i: ten per conversation, every other one an assistant reply with model and usage. */
function message(i) {
  const entry = {
    type: 'message',
    id: `m${i}`,
    conversation_id: `c${Math.floor(i / PER_CONVERSATION)}`,
    role: i % 2 ? 'assistant' : 'user',
    content: `The quick brown fox ${i} jumps over the lazy dog`,
    timestamp: new Date(Date.UTC(2026, 9, 1) + i * 1000).toISOString(),
  };
  if (i % 2) {
    entry.model = MODELS[i % MODELS.length];
    entry.cost_info = { token_usage: { total: 160, prompt: 120, completion: 40 }, total_cost: 0.0012 };
  }
  return entry;
}

/** Opens (and so creates) a fresh database with historian's schema; returns its path. */
async function freshDatabase() {
  const path = join(dir, `bench-${run++}.db`);
  const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
  await historian.close();
  return path;
}

/** Milliseconds to log the messages through the logger and flush them. */
async function ours(entries) {
  const path = await freshDatabase();
  const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
  const ms = await time(async () => {
    for (const entry of entries) historian.log(entry);
    await historian.flush();
  });
  await historian.close();
  return ms;
}

/** A raw connection with the provider's pragmas and the two inserts the rows need. */
function rawInserts(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const conversation = db.prepare('INSERT INTO conversations (conversation_id, agent_name, start_time, started) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING');
  const insert = db.prepare(
    `INSERT INTO messages (id, conversation_id, message_id, timestamp, seq, role, content, model, model_provider, model_name,
      total_tokens, prompt_tokens, completion_tokens, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const write = db.transaction((batch, offset) => {
    batch.forEach((e, i) => {
      if ((offset + i) % PER_CONVERSATION === 0) conversation.run(e.conversation_id, null, e.timestamp);
      const usage = e.cost_info?.token_usage;
      const slash = e.model ? e.model.indexOf('/') : -1;
      insert.run(e.id, e.conversation_id, e.id, e.timestamp, offset + i + 1, e.role, e.content, e.model ?? null,
        e.model ? e.model.slice(0, slash) : null, e.model ? e.model.slice(slash + 1) : null,
        usage?.total ?? null, usage?.prompt ?? null, usage?.completion ?? null, e.cost_info?.total_cost ?? null);
    });
  });
  return { db, write };
}

/** Milliseconds for raw prepared inserts of the same rows, 1000 per transaction. */
async function baseline(entries) {
  const { db, write } = rawInserts(await freshDatabase());
  const ms = await time(() => {
    for (let offset = 0; offset < entries.length; offset += 1000) write(entries.slice(offset, offset + 1000), offset);
  });
  db.close();
  return ms;
}

/** The best of `times` runs, to damp noise from other processes. */
async function best(times, fn) {
  let min = Infinity;
  for (let i = 0; i < times; i++) {
    globalThis.gc?.();
    min = Math.min(min, await fn());
  }
  return min;
}

/** Seeds `count` messages (with their conversations, spread over agents) with raw inserts. */
async function seeded(count) {
  const path = await freshDatabase();
  const { db, write } = rawInserts(path);
  for (let offset = 0; offset < count; offset += 10_000) write(Array.from({ length: 10_000 }, (_, i) => message(offset + i)), offset);
  db.prepare(`UPDATE conversations SET agent_name = 'agent' || (CAST(substr(conversation_id, 2) AS integer) % ${AGENTS})`).run();
  db.close();
  return path;
}

/** The median of `times` runs of an async query, in milliseconds. */
async function median(times, fn) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await time(fn));
  return runs.sort((a, b) => a - b)[Math.floor(times / 2)];
}

const entries = Array.from({ length: MESSAGES }, (_, i) => message(i));
await ours(entries.slice(0, 20_000)); // warm up both paths
await baseline(entries.slice(0, 20_000));
const oursMs = await best(3, () => ours(entries));
const baseMs = await best(3, () => baseline(entries));
const ratio = baseMs / oursMs;

const path = await seeded(STORED);
const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
const history = historian.history();
const listMs = await median(9, () => history.conversations({ agent: 'agent3', since: '2026-10-01T00:00:00Z', limit: 50 }));
const modelListMs = await median(9, () => history.conversations({ model: 'anthropic/claude-sonnet-4', limit: 50 }));
const statsMs = await median(5, () => history.stats({ group_by: 'model' }));
const statsAgentMs = await median(3, () => history.stats({ group_by: 'agent', since: '2026-10-01T00:00:00Z' }));
await historian.close();

printRows('sql (SQLite)', [
  {
    bench: `log ${fmt(MESSAGES)} messages (entries/s)`,
    ours: fmt((MESSAGES / oursMs) * 1000),
    baseline: `${fmt((MESSAGES / baseMs) * 1000)} raw better-sqlite3`,
    ratio: fmt(ratio, 2),
    target: '≥ 0.70',
    ok: ratio >= 0.7,
  },
  { bench: `conversations agent+since limit 50, ${fmt(STORED)} msgs`, ours: `${fmt(listMs, 1)} ms`, target: '< 20 ms', ok: listMs < 20 },
  { bench: `conversations model limit 50, ${fmt(STORED)} msgs`, ours: `${fmt(modelListMs, 1)} ms`, target: '< 20 ms', ok: modelListMs < 20 },
  { bench: `stats by model, ${fmt(STORED)} msgs`, ours: `${fmt(statsMs, 1)} ms`, target: '< 500 ms', ok: statsMs < 500 },
  { bench: `stats by agent, ${fmt(STORED)} msgs`, ours: `${fmt(statsAgentMs, 1)} ms`, target: '-' },
]);
