// file provider: time to log and flush 100k entries vs 10k, per format, through the full
// logger. A document is rewritten per write, so this catches rewrites that grow quadratically.
import { join } from 'node:path';
import { createHistorian } from '../dist/index.js';
import { fmt, printRows, tempDir, time } from './lib.mjs';

const FORMATS = ['json', 'yaml', 'toml', 'ini', 'jsonl'];
const SMALL = 10_000;
const LARGE = 100_000;
/** An agent logs between steps: a slice of entries, then back to the event loop. */
const SLICE = 500;
const dir = tempDir('historian-file-bench-');

/** A realistic mix: conversation starts, messages with usage, tool calls with nested args, commands. */
function entry(i) {
  const conversation_id = `c${Math.floor(i / 20)}`;
  switch (i % 20) {
    case 0:
      return { type: 'conversation_start', conversation_id, agent_name: `agent${i % 7}` };
    case 5:
      return { type: 'tool_call', conversation_id, message_id: `m${i - 1}`, tool_name: 'search', args: { q: `query ${i}`, top: 3, filters: null }, result: { hits: ['a', 'b'], took_ms: 12.5 } };
    case 10:
      return { type: 'command', agent_name: `agent${i % 7}`, session_id: `s${i % 50}`, command: `make test --shard=${i % 4}` };
    default:
      return {
        type: 'message', conversation_id, role: i % 2 ? 'assistant' : 'user', model: 'openai/gpt-4o',
        content: `Step ${i}: the quick brown fox jumps over the lazy dog.\nThen it rests.`,
        cost_info: { token_usage: { prompt: 120, completion: 40 }, total_cost: 0.0012 },
      };
  }
}

async function run(format, n) {
  const path = join(dir, `${format}-${n}-${Date.now()}.${format}`);
  const provider = format === 'memory' ? { type: 'memory' } : { type: 'file', path };
  const historian = await createHistorian({ providers: [provider] }, { batchSize: 1_000 });
  const ms = await time(async () => {
    for (let i = 0; i < n; i++) {
      historian.log(entry(i));
      if (i % SLICE === SLICE - 1) await new Promise((done) => setImmediate(done));
    }
    await historian.flush();
  });
  await historian.close();
  return ms;
}

/**
 * The best of 5 runs of 10k and 2 of 100k, interleaved so that a burst of load from other
 * processes on a shared machine hits both sizes alike; the best run is the least disturbed.
 */
async function bestPair(format) {
  let small = Infinity;
  let large = Infinity;
  for (const n of [SMALL, SMALL, LARGE, SMALL, SMALL, LARGE, SMALL]) {
    globalThis.gc?.();
    const ms = await run(format, n);
    if (n === SMALL) small = Math.min(small, ms);
    else large = Math.min(large, ms);
  }
  return { small, large };
}

const rows = [];
for (const format of FORMATS) {
  await run(format, 2_000); // warm-up
  const { small, large } = await bestPair(format);
  const ratio = large / small;
  rows.push({
    bench: `file ${format}: ${fmt(LARGE)} vs ${fmt(SMALL)} entries`,
    ours: `${fmt(large)} ms`,
    baseline: `${fmt(small)} ms`,
    ratio: `${fmt(ratio, 1)}×`,
    target: '≤ 12×',
    ok: ratio <= 12,
  });
}
// Reference: the same logging into the memory provider, i.e. what the logger itself costs as its
// heap grows; the file provider cannot be more linear than this.
await run('memory', 2_000);
const reference = await bestPair('memory');
rows.push({
  bench: `reference, memory provider: ${fmt(LARGE)} vs ${fmt(SMALL)}`,
  ours: `${fmt(reference.large)} ms`,
  baseline: `${fmt(reference.small)} ms`,
  ratio: `${fmt(reference.large / reference.small, 1)}×`,
});
printRows('file provider: log + flush time, 100k vs 10k entries (batchSize 1000)', rows);
