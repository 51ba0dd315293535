// Run log on sql (SQLite): the run list, traces and LLM-call stats over 50,000 runs (300,000
// facts), answered in the database (a page of run ids, then only those runs' facts; one GROUP BY
// for the calls) beside the same answers built in JavaScript from every fact, as a provider
// without push-down does (the public listRuns / traces over the facts read back).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createHistorian, listRuns, RUN_FACT_TYPES, traces } from '../dist/index.js';
import { fmt, printRows, tempDir, time } from './lib.mjs';

const RUNS = 50_000;
const SESSIONS = 5_000;
const path = join(tempDir('historian-runs-bench-'), 'runs.db');

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

/** Seeds the facts with raw inserts into the schema the provider created, numbered per session. */
async function seed() {
  await (await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] })).close();
  const db = new Database(path);
  const insert = db.prepare('INSERT INTO run_events (id, session_id, run_id, agent_name, kind, sequence, timestamp, seq, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const next = new Map();
  db.transaction(() => {
    for (let r = 0; r < RUNS; r++) {
      for (const [k, fact] of facts(r).entries()) {
        const { type, session_id, run_id, agent_name, timestamp, ...payload } = fact;
        const sequence = (next.get(session_id) ?? 0) + 1;
        next.set(session_id, sequence);
        insert.run(`f${r}-${k}`, session_id, run_id, agent_name, type, sequence, timestamp, r * 6 + k, JSON.stringify(payload));
      }
    }
  })();
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

await seed();
const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
const history = historian.history();
const rows = [
  {
    bench: `runs list --limit 20, ${fmt(RUNS)} runs`,
    ours: await median(5, () => history.runsPage({ limit: 20 })),
    baseline: await median(3, async () => listRuns(await everyFact(history), { limit: 20 })),
  },
  {
    bench: `runs list --status failed --limit 20`,
    ours: await median(5, () => history.runsPage({ status: 'failed', limit: 20 })),
    baseline: await median(3, async () => listRuns(await everyFact(history), { status: 'failed', limit: 20 })),
  },
  {
    bench: `traces --limit 20`,
    ours: await median(5, () => history.tracesPage({ limit: 20 })),
    baseline: await median(3, async () => traces(await everyFact(history), { limit: 20 })),
  },
];
await historian.close();

printRows(
  'run log on sql (SQLite): answered in the database vs built in JavaScript from every fact',
  rows.map(({ bench, ours, baseline }) => ({ bench, ours: `${fmt(ours, 1)} ms`, baseline: `${fmt(baseline, 1)} ms all facts in JS`, ratio: fmt(baseline / ours, 1) })),
);
