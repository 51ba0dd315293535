// text_file: 10k vs 100k entries through the logger into a chronological (appended) log and a
// conversations (grouped, re-rendered) log: time(100k) must stay within 12 × time(10k). The
// chronological rate is printed beside a raw fs.createWriteStream writing preformatted lines.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createHistorian } from '../dist/index.js';
import { fmt, printRows, tempDir, time } from './lib.mjs';

const CONVERSATIONS = 199; // prime-ish, so a tool call at i names message i - 199 of its own conversation
const dir = tempDir('historian-text-bench-');
let run = 0;

/** Entry i of a scripted mix: conversation starts, messages (some with cost), tool calls, commands. */
function entry(i) {
  const conversation_id = `c${i % CONVERSATIONS}`;
  const timestamp = new Date(Date.UTC(2026, 10, 20) + i * 1000).toISOString();
  if (i < CONVERSATIONS) return { type: 'conversation_start', conversation_id, agent_name: `agent${i % 7}`, timestamp };
  if (i % 50 === 0) return { type: 'command', agent_name: `agent${i % 7}`, session_id: `s${i % 13}`, command: `make test --shard ${i}`, timestamp };
  if (i % 10 === 0) {
    return { type: 'tool_call', conversation_id, message_id: `m${i - CONVERSATIONS}`, tool_name: 'search', args: { q: `query ${i}` }, result: { hits: i % 5 }, timestamp };
  }
  const message = { type: 'message', id: `m${i}`, conversation_id, role: i % 2 ? 'assistant' : 'user', content: `The quick brown fox ${i}\njumps over the lazy dog`, timestamp };
  if (i % 2) Object.assign(message, { model: 'openai/gpt-4o', cost_info: { token_usage: { prompt: 120, completion: 40 }, total_cost: 0.0012 }, response_time: 0.8 });
  return message;
}

/** Milliseconds to log n entries into a fresh log and close the logger (which finishes every render). */
async function ours(format, n) {
  const path = join(dir, `${format}-${n}-${run++}.log`);
  const entries = Array.from({ length: n }, (_, i) => entry(i));
  const historian = await createHistorian({ providers: [{ type: 'text_file', path, format }] });
  return time(async () => {
    for (const e of entries) historian.log(e);
    await historian.close();
  });
}

/** Milliseconds for a raw write stream to write n preformatted lines. */
async function baseline(n) {
  const lines = Array.from({ length: n }, (_, i) => {
    const e = entry(i);
    return `[${e.timestamp}] ${e.type} ${e.conversation_id ?? e.session_id} ${e.content ?? e.command ?? e.tool_name}\n`;
  });
  const stream = createWriteStream(join(dir, `baseline-${n}-${run++}.log`));
  return time(async () => {
    for (const line of lines) if (!stream.write(line)) await new Promise((done) => stream.once('drain', done));
    await new Promise((done) => stream.end(done));
  });
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

await ours('chronological', 10_000); // warm-up: JIT, template compilation paths
await ours('conversations', 10_000);

const rows = [];
const ms = {};
for (const format of ['chronological', 'conversations']) {
  const t10k = await best(5, () => ours(format, 10_000));
  const t100k = await best(3, () => ours(format, 100_000));
  ms[format] = t100k;
  const ratio = t100k / t10k;
  rows.push({ bench: `${format}: 10k entries`, ours: `${fmt(t10k, 1)} ms` });
  rows.push({ bench: `${format}: 100k entries`, ours: `${fmt(t100k, 1)} ms`, ratio: `${ratio.toFixed(2)} (t100k/t10k)`, target: '≤ 12', ok: ratio <= 12 });
}
const base = await best(2, () => baseline(100_000));
const rate = (100_000 / ms.chronological) * 1000;
const baseRate = (100_000 / base) * 1000;
rows.push({
  bench: 'chronological: entries/s (100k)',
  ours: fmt(rate),
  baseline: `${fmt(baseRate)} (createWriteStream, preformatted)`,
  ratio: `${(rate / baseRate).toFixed(3)} (ours/baseline)`,
});
printRows('text_file: nunjucks-rendered logs, 10k vs 100k entries (logger → text_file, including close)', rows);
