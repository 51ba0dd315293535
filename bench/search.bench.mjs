// search: `history show --query` (conversations with a text filter, limit 10, as the CLI asks)
// for a rare word over 1,000,000 stored messages, beside the same call with no text filter; and
// the logger's write rate with the search index beside the rate without it (the index's
// watermark, or its PostgreSQL index, dropped after open), to the flush and to the close: on
// SQLite a follower thread indexes bulk writes once they pause, and close waits for it. SQLite always; PostgreSQL with
// HISTORIAN_BENCH_PG_URL (else HISTORIAN_TEST_PG_URL), skipped with a message otherwise.
// The 1M-message SQLite store is kept in the temp folder and reused by later runs.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createHistorian } from '../dist/index.js';
import { fmt, printRows, tempDir, time } from './lib.mjs';

const STORED = 1_000_000;
const PER_CONVERSATION = 10;
/** The rare word: in one message of the store only. */
const RARE = 'zqxjvkw';
const RARE_AT = 777_777;
/** Messages logged through the logger per write-rate run. */
const LOGGED = 100_000;
const PG_LOGGED = 20_000;
const dir = tempDir('historian-search-bench-');
let runs = 0;

const content = (i) => `The quick brown fox ${i} jumps over the lazy dog${i === RARE_AT ? ` ${RARE}` : ''}`;
const timestamp = (i) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
const logged = (i) => ({ type: 'message', conversation_id: `c${Math.floor(i / PER_CONVERSATION)}`, role: i % 2 ? 'assistant' : 'user', content: content(i) });

/** The median of `times` runs of an async call, in milliseconds, after one warm-up run. */
async function median(times, fn) {
  await fn();
  const all = [];
  for (let i = 0; i < times; i++) all.push(await time(fn));
  return all.sort((a, b) => a - b)[Math.floor(times / 2)];
}

/** The 1M-message SQLite store, made once (schema by historian, rows by raw inserts, then indexed by opening it). */
async function sqliteStore() {
  const path = join(tmpdir(), `historian-bench-search-${STORED}-v4.db`);
  if (existsSync(path)) return path;
  const building = `${path}.building`;
  rmSync(building, { force: true });
  await (await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${building}` }] })).close();
  const db = new Database(building);
  db.pragma('journal_mode = WAL');
  const conversation = db.prepare('INSERT INTO conversations (conversation_id, agent_name, start_time, started) VALUES (?, ?, ?, 0)');
  const message = db.prepare('INSERT INTO messages (id, conversation_id, message_id, timestamp, seq, role, content, agent_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const batch = db.transaction((from) => {
    for (let i = from; i < from + 10_000; i++) {
      const c = `c${Math.floor(i / PER_CONVERSATION)}`;
      const agent = `agent${Math.floor(i / PER_CONVERSATION) % 10}`;
      if (i % PER_CONVERSATION === 0) conversation.run(c, agent, timestamp(i));
      message.run(`m${i}`, c, `m${i}`, timestamp(i), i + 1, i % 2 ? 'assistant' : 'user', content(i), agent);
    }
  });
  for (let from = 0; from < STORED; from += 10_000) batch(from);
  db.exec('DROP TABLE message_totals'); // rebuilt from the messages on open
  db.close();
  await (await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${building}` }] })).close();
  rmSync(`${building}-wal`, { force: true });
  rmSync(`${building}-shm`, { force: true });
  renameSync(building, path);
  return path;
}

/** `history show --query RARE` and `history show` on a store, in ms. */
async function queryTimes(url) {
  const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
  const history = historian.history();
  const found = await history.conversations({ query: RARE, limit: 10 });
  if (found.length !== 1 || found[0].messages.length !== 1) throw new Error(`expected one conversation with one message for ${RARE}, got ${found.length}`);
  const queried = await median(11, () => history.conversations({ query: RARE, limit: 10 }));
  const plain = await median(11, () => history.conversations({ limit: 10 }));
  await historian.close();
  return { queried, plain };
}

/**
 * Milliseconds to log `count` messages through the logger into a fresh store, to the flush and to
 * the close (which on SQLite waits for the index to catch up); `unindexed` drops the index after open.
 */
async function logInto(url, count, unindexed) {
  const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
  await unindexed?.();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    historian.log(logged(i));
    if (i % 1000 === 999) await new Promise((done) => setImmediate(done));
  }
  await historian.flush();
  const flushed = performance.now() - start;
  await historian.close();
  return { flushed, closed: performance.now() - start };
}

/** The best of `rounds` interleaved runs of each (fastest flush, fastest close), so bursts of load on the machine hit both alike. */
async function interleaved(rounds, benches) {
  const best = benches.map(() => ({ flushed: Infinity, closed: Infinity }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, bench] of benches.entries()) {
      const { flushed, closed } = await bench();
      best[i] = { flushed: Math.min(best[i].flushed, flushed), closed: Math.min(best[i].closed, closed) };
    }
  }
  return best;
}

function rows(title, { queried, plain }, count, [indexed, unindexed]) {
  const rate = (ms) => fmt((count / ms) * 1000);
  printRows(title, [
    { bench: `history show --query (rare word), ${fmt(STORED)} msgs`, ours: `${fmt(queried, 1)} ms`, target: '< 50 ms', ok: queried < 50 },
    { bench: '  beside history show, no text filter', ours: `${fmt(queried, 1)} ms`, baseline: `${fmt(plain, 1)} ms`, ratio: fmt(queried / plain, 2), target: '≤ 1.30', ok: queried / plain <= 1.3 },
    { bench: `log ${fmt(count)} messages, index on vs off, to the flush (entries/s; SQLite indexes a burst after it)`, ours: rate(indexed.flushed), baseline: rate(unindexed.flushed), ratio: fmt(unindexed.flushed / indexed.flushed, 2), target: '≥ 0.85', ok: unindexed.flushed / indexed.flushed >= 0.85 },
    { bench: '  the same to close (the index caught up)', ours: `${fmt(indexed.closed)} ms`, baseline: `${fmt(unindexed.closed)} ms`, ratio: fmt(unindexed.closed / indexed.closed, 2) },
  ]);
}

async function sqlite() {
  const store = await sqliteStore();
  const times = await queryTimes(`sqlite:///${store}`);
  const fresh = () => join(dir, `log-${runs++}.db`);
  // Without the index: the write path indexes nothing once the index's watermark is gone.
  const unindexed = (path) => () => {
    const db = new Database(path);
    db.exec("DELETE FROM historian_meta WHERE key = 'search_indexed_to'");
    db.close();
  };
  await logInto(`sqlite:///${fresh()}`, 20_000); // warm up
  const writes = await interleaved(3, [
    () => logInto(`sqlite:///${fresh()}`, LOGGED),
    () => {
      const path = fresh();
      return logInto(`sqlite:///${path}`, LOGGED, unindexed(path));
    },
  ]);
  rows('search (SQLite)', times, LOGGED, writes);
}

/** PostgreSQL: a fresh schema per store; the 1M rows made by the server itself (generate_series). */
async function postgres(base) {
  const { default: pg } = await import('pg');
  const schemas = [];
  const inSchema = async (schema, statement) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${schema}"`);
      return await client.query(statement);
    } finally {
      await client.end();
    }
  };
  const fresh = async () => {
    const schema = `historian_bench_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    await inSchema('public', `CREATE SCHEMA "${schema}"`);
    return { schema, url: `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` };
  };
  try {
    const store = await fresh();
    await (await createHistorian({ providers: [{ type: 'sql', url: store.url }] })).close();
    // Rows first, index after: what the index of an existing store costs is not what is measured.
    await inSchema(store.schema, 'DROP INDEX messages_content_trgm_idx');
    await inSchema(store.schema, `INSERT INTO conversations (conversation_id, agent_name, start_time, started)
      SELECT 'c' || g, 'agent' || (g % 10), to_char(timestamp '2026-01-01' + g * ${PER_CONVERSATION} * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), false
      FROM generate_series(0, ${STORED / PER_CONVERSATION - 1}) g`);
    await inSchema(store.schema, `INSERT INTO messages (id, conversation_id, message_id, timestamp, seq, role, content, agent_name)
      SELECT 'm' || g, 'c' || (g / ${PER_CONVERSATION}), 'm' || g, to_char(timestamp '2026-01-01' + g * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), g + 1,
        CASE WHEN g % 2 = 1 THEN 'assistant' ELSE 'user' END,
        'The quick brown fox ' || g || ' jumps over the lazy dog' || CASE WHEN g = ${RARE_AT} THEN ' ${RARE}' ELSE '' END, 'agent' || ((g / ${PER_CONVERSATION}) % 10)
      FROM generate_series(0, ${STORED - 1}) g`);
    await (await createHistorian({ providers: [{ type: 'sql', url: store.url }] })).close(); // builds the index
    await inSchema(store.schema, 'VACUUM ANALYZE messages');
    await inSchema(store.schema, 'ANALYZE conversations');
    const times = await queryTimes(store.url);
    const writes = await interleaved(2, [
      async () => logInto((await fresh()).url, PG_LOGGED),
      async () => {
        const { schema, url } = await fresh();
        return logInto(url, PG_LOGGED, () => inSchema(schema, 'DROP INDEX messages_content_trgm_idx'));
      },
    ]);
    rows('search (PostgreSQL)', times, PG_LOGGED, writes);
  } finally {
    for (const schema of schemas) await inSchema('public', `DROP SCHEMA "${schema}" CASCADE`);
  }
}

await sqlite();
const pgUrl = process.env.HISTORIAN_BENCH_PG_URL ?? process.env.HISTORIAN_TEST_PG_URL;
if (pgUrl) await postgres(pgUrl);
else console.log('\nsearch (PostgreSQL): skipped, set HISTORIAN_BENCH_PG_URL or HISTORIAN_TEST_PG_URL to run it');
