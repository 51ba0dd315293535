// Run log on sql (SQLite): the run list and traces over 1,000,000 facts (166,667 runs) and over
// 100,000, answered in the database (a page of run ids from the runs table's index, then only
// those runs' facts) beside the same answers built in JavaScript from every fact, as a provider
// without push-down does (the public listRuns / traces over the facts read back).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createHistorian, listRuns, RUN_FACT_TYPES, traces } from '../dist/index.js';
import { fmt, printRows, tempDir, time } from './lib.mjs';

const SESSIONS = 5_000;
const dir = tempDir('historian-runs-bench-');

/** The six facts of run r: started, an LLM call, a tool call, finished (every tenth failed). */
function facts(r) {
  const base = { session_id: `s${r % SESSIONS}`, run_id: `r${r}`, agent_name: `agent${r % 8}` };
  const at = (k) => new Date(Date.UTC(2026, 9, 1) + r * 60_000 + k * 1000).toISOString();
  const usage = { token_usage: { total: 120, prompt: 100, completion: 20 } };
  return [
    { type: 'run_started', ...base, user_input: 'go', timestamp: at(0) },
    { type: 'llm_call_started', ...base, call_id: `l${r}`, model: `m${r % 4}`, timestamp: at(1) },
    { type: 'llm_call_completed', ...base, call_id: `l${r}`, model: `m${r % 4}`, cost_info: usage, duration_ms: 900, timestamp: at(2) },
    { type: 'tool_call_started', ...base, call_id: `t${r}`, tool_name: 'ls', args: {}, timestamp: at(3) },
    { type: 'tool_call_completed', ...base, call_id: `t${r}`, tool_name: 'ls', result: 'ok', timestamp: at(4) },
    r % 10 === 0 ? { type: 'run_failed', ...base, error: 'x', timestamp: at(5) } : { type: 'run_finished', ...base, response: 'ok', timestamp: at(5) },
  ];
}

/**
 * Seeds `runs` runs with raw inserts into the schema the provider created, numbered per session;
 * the runs table is then dropped, so opening the database fills it from the facts (the migration).
 */
async function seed(path, runs) {
  await (await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] })).close();
  const db = new Database(path);
  const insert = db.prepare('INSERT INTO run_events (id, session_id, run_id, agent_name, kind, sequence, timestamp, seq, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const next = new Map();
  db.transaction(() => {
    for (let r = 0; r < runs; r++) {
      for (const [k, fact] of facts(r).entries()) {
        const { type, session_id, run_id, agent_name, timestamp, ...payload } = fact;
        const sequence = (next.get(session_id) ?? 0) + 1;
        next.set(session_id, sequence);
        insert.run(`f${r}-${k}`, session_id, run_id, agent_name, type, sequence, timestamp, r * 6 + k, JSON.stringify(payload));
      }
    }
  })();
  db.exec('DROP TABLE runs');
  db.close();
}

async function median(times, fn) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await time(fn));
  return runs.sort((a, b) => a - b)[Math.floor(times / 2)];
}

/** Every fact, read back through the entry stream. */
async function everyFact(history) {
  const all = [];
  for await (const fact of history.entries({ types: [...RUN_FACT_TYPES] })) all.push(fact);
  return all;
}

/** Our time and the all-facts-in-JavaScript time of each query over `runs` runs. */
async function measure(runs) {
  const path = join(dir, `runs-${runs}.db`);
  await seed(path, runs);
  const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
  const history = historian.history();
  const queries = [
    ['runs list --limit 50', () => history.runs({ limit: 50 }), (all) => listRuns(all, { limit: 50 })],
    ['runs list --status failed --limit 50', () => history.runs({ status: 'failed', limit: 50 }), (all) => listRuns(all, { status: 'failed', limit: 50 })],
    ['traces --limit 50', () => history.traces({ limit: 50 }), (all) => traces(all, { limit: 50 })],
    ['runs list --page (with total) --limit 50', () => history.runsPage({ limit: 50 }), undefined],
  ];
  const found = [];
  for (const [bench, ours, inJs] of queries) {
    await ours();
    found.push({ bench, ours: await median(7, ours), baseline: inJs && runs <= 20_000 ? await median(3, async () => inJs(await everyFact(history))) : undefined });
  }
  await historian.close();
  return found;
}

const small = await measure(16_667);
const large = await measure(166_667);
printRows(
  'run log on sql (SQLite), 1,000,000 facts (166,667 runs): ours, and growth from 100,000 facts',
  large.map((row, i) => ({
    bench: row.bench,
    ours: `${fmt(row.ours, 1)} ms`,
    baseline: `${fmt(small[i].ours, 1)} ms at 100k facts${small[i].baseline === undefined ? '' : `; ${fmt(small[i].baseline, 0)} ms all facts in JS`}`,
    ratio: fmt(row.ours / small[i].ours, 1),
    target: row.bench.includes('--page') ? 'ratio ≤ 12' : '< 50 ms, ratio ≤ 12',
    ok: row.ours / small[i].ours <= 12 && (row.bench.includes('--page') || row.ours < 50),
  })),
);
