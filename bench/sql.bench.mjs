// sql (SQLite): logging 200k messages through the manifest-built logger (as an agent logs them:
// the logger stamps id and timestamp) vs raw better-sqlite3 prepared inserts of the same rows
// batched in transactions (same schema, same pragmas); the provider's write path alone beside
// it; and query times over 1,000,000 stored messages (conversation lists, stats). With a
// PostgreSQL or MySQL/MariaDB server configured (sql-servers.mjs), the logging bench on each.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createHistorian } from '../dist/index.js';
import { fmt, printRows, tempDir, time } from './lib.mjs';
import { serverBenches } from './sql-servers.mjs';

const MESSAGES = 200_000;
/** Messages logged into each database server: a round trip per statement makes servers slower. */
const SERVER_MESSAGES = 50_000;
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

/** What an agent logs: the message without id and timestamp, which the logger stamps. */
function logged(entry) {
  const { id: _id, timestamp: _timestamp, ...rest } = entry;
  return rest;
}

/** Opens (and so creates) a fresh database with historian's schema; returns its path. */
async function freshDatabase() {
  const path = join(dir, `bench-${run++}.db`);
  const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
  await historian.close();
  return path;
}

/**
 * Milliseconds to log the messages through the logger and close it: closing waits for the search
 * index's follower thread, which indexes bulk writes once they pause, so the time holds the same
 * work as the baseline's (rows and index). `paced`: the caller yields
 * to the event loop every 1000 entries, as an agent loop awaiting its model does, so batches are
 * written while logging goes on; otherwise all are logged in one synchronous burst and stay in
 * memory until the flush.
 */
async function ours(entries, paced) {
  const path = await freshDatabase();
  const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
  return time(async () => {
    for (let i = 0; i < entries.length; i++) {
      historian.log(entries[i]);
      if (paced && i % 1000 === 999) await new Promise((done) => setImmediate(done));
    }
    await historian.close();
  });
}

/** Milliseconds for the provider's own write path: stamped records handed to `write` in batches of 1000, then close (the index caught up). */
async function oursWriteOnly(entries) {
  const path = await freshDatabase();
  const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
  const [provider] = historian.providers;
  const records = entries.map((entry, i) => ({ entry: { ...entry, message_id: entry.id, seq: i + 1 }, agent: null, fresh: true }));
  return time(async () => {
    for (let offset = 0; offset < records.length; offset += 1000) await provider.write(records.slice(offset, offset + 1000));
    await historian.close();
  });
}

/** A raw connection with the provider's pragmas, the two inserts the rows need and the search index's. */
function rawInserts(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // The same search index as the provider keeps (sqlite/search.ts), filled in each transaction:
  // this bench measures the logger's overhead, and bench/search.bench.mjs the index's.
  db.function('historian_lower', { deterministic: true }, (value) => (typeof value === 'string' ? value.toLowerCase() : value));
  const last = db.prepare('SELECT coalesce(max(rowid), 0) FROM messages').pluck();
  const index = db.prepare('INSERT INTO messages_search (rowid, body) SELECT rowid, historian_lower(content) FROM messages WHERE rowid > ?');
  const mark = db.prepare("UPDATE historian_meta SET value = CAST(? AS TEXT) WHERE key = 'search_indexed_to'");
  const conversation = db.prepare('INSERT INTO conversations (conversation_id, agent_name, start_time, started) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING');
  const insert = db.prepare(
    `INSERT INTO messages (id, conversation_id, message_id, timestamp, seq, role, content, model, model_provider, model_name,
      total_tokens, prompt_tokens, completion_tokens, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const write = db.transaction((batch, offset) => {
    const from = last.get();
    batch.forEach((e, i) => {
      if ((offset + i) % PER_CONVERSATION === 0) conversation.run(e.conversation_id, null, e.timestamp);
      const usage = e.cost_info?.token_usage;
      const slash = e.model ? e.model.indexOf('/') : -1;
      insert.run(e.id, e.conversation_id, e.id, e.timestamp, offset + i + 1, e.role, e.content, e.model ?? null,
        e.model ? e.model.slice(0, slash) : null, e.model ? e.model.slice(slash + 1) : null,
        usage?.total ?? null, usage?.prompt ?? null, usage?.completion ?? null, e.cost_info?.total_cost ?? null);
    });
    index.run(from);
    mark.run(last.get());
  });
  return { db, write };
}

/** Milliseconds for raw prepared inserts of the same rows, 1000 per transaction. */
async function baseline(entries) {
  const { db, write } = rawInserts(await freshDatabase());
  return time(() => {
    for (let offset = 0; offset < entries.length; offset += 1000) write(entries.slice(offset, offset + 1000), offset);
    db.close();
  });
}

/** The best time of each bench over `rounds` interleaved rounds, so bursts of load hit all alike. */
async function interleaved(rounds, benches) {
  const best = benches.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    for (const [i, bench] of benches.entries()) {
      globalThis.gc?.();
      best[i] = Math.min(best[i], await bench());
    }
  }
  return best;
}

/** Seeds `count` messages (with their conversations, spread over agents) with raw inserts. */
async function seeded(count) {
  const path = await freshDatabase();
  const { db, write } = rawInserts(path);
  for (let offset = 0; offset < count; offset += 10_000) write(Array.from({ length: 10_000 }, (_, i) => message(offset + i)), offset);
  db.prepare(`UPDATE conversations SET agent_name = 'agent' || (CAST(substr(conversation_id, 2) AS integer) % ${AGENTS})`).run();
  db.prepare('UPDATE messages SET agent_name = (SELECT c.agent_name FROM conversations c WHERE c.conversation_id = messages.conversation_id)').run();
  // Opening the database again fills the totals from the messages (as the migration does).
  db.exec('DROP TABLE message_totals');
  db.close();
  return path;
}

/** The median of `times` runs of an async query, in milliseconds. */
async function median(times, fn) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await time(fn));
  return runs.sort((a, b) => a - b)[Math.floor(times / 2)];
}

const rows = Array.from({ length: MESSAGES }, (_, i) => message(i));
const entries = rows.map(logged);
await ours(entries.slice(0, 20_000), true); // warm up every path
await ours(entries.slice(0, 20_000), false);
await oursWriteOnly(rows.slice(0, 20_000));
await baseline(rows.slice(0, 20_000));
const [oursMs, burstMs, writeMs, baseMs] = await interleaved(5, [
  () => ours(entries, true),
  () => ours(entries, false),
  () => oursWriteOnly(rows),
  () => baseline(rows),
]);
const ratio = baseMs / oursMs;
const writeRatio = baseMs / writeMs;

const path = await seeded(STORED);
const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
const history = historian.history();
const listMs = await median(21, () => history.conversations({ agent: 'agent3', since: '2026-10-01T00:00:00Z', limit: 50 }));
const modelListMs = await median(21, () => history.conversations({ model: 'anthropic/claude-sonnet-4', limit: 50 }));
const statsMs = await median(5, () => history.stats({ group_by: 'model' }));
const statsAgentMs = await median(3, () => history.stats({ group_by: 'agent', since: '2026-10-01T00:00:00Z' }));
await historian.close();

const rate = (ms) => fmt((MESSAGES / ms) * 1000);
printRows('sql (SQLite)', [
  {
    bench: `log ${fmt(MESSAGES)} messages via logger, agent-paced (entries/s)`,
    ours: rate(oursMs),
    baseline: `${rate(baseMs)} raw better-sqlite3`,
    ratio: fmt(ratio, 2),
    target: '≥ 0.70',
    ok: ratio >= 0.7,
  },
  { bench: `  the same in one synchronous burst (entries/s)`, ours: rate(burstMs), baseline: `${rate(baseMs)} raw better-sqlite3`, ratio: fmt(baseMs / burstMs, 2) },
  { bench: `  of which provider write path (entries/s)`, ours: rate(writeMs), baseline: `${rate(baseMs)} raw better-sqlite3`, ratio: fmt(writeRatio, 2) },
  { bench: `conversations agent+since limit 50, ${fmt(STORED)} msgs`, ours: `${fmt(listMs, 1)} ms`, target: '< 20 ms', ok: listMs < 20 },
  { bench: `conversations model limit 50, ${fmt(STORED)} msgs`, ours: `${fmt(modelListMs, 1)} ms`, target: '< 20 ms', ok: modelListMs < 20 },
  { bench: `stats by model, ${fmt(STORED)} msgs`, ours: `${fmt(statsMs, 1)} ms`, target: '< 500 ms', ok: statsMs < 500 },
  { bench: `stats by agent, ${fmt(STORED)} msgs`, ours: `${fmt(statsAgentMs, 1)} ms`, target: '< 300 ms', ok: statsAgentMs < 300 },
]);

for (const { title, rows: serverRows } of await serverBenches(rows.slice(0, SERVER_MESSAGES), entries.slice(0, SERVER_MESSAGES), 3)) printRows(title, serverRows);
