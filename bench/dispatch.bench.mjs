// Dispatch: 1M entries through the full logger (validate, stamp, attribute, fan out) into the
// memory provider, beside a baseline that only pushes the same objects into an array.
import { createHistorian } from '../dist/index.js';
import { fmt, printRows, time } from './lib.mjs';

const N = 1_000_000;
const CONVERSATIONS = 1_000;

function entry(i) {
  const conversation_id = `c${i % CONVERSATIONS}`;
  if (i < CONVERSATIONS) return { type: 'conversation_start', conversation_id, agent_name: `agent${i % 7}` };
  return { type: 'message', conversation_id, role: i % 2 ? 'assistant' : 'user', content: 'The quick brown fox jumps over the lazy dog' };
}

async function ours() {
  const historian = await createHistorian({ providers: [{ type: 'memory' }] }, { batchSize: 10_000 });
  const ms = await time(async () => {
    for (let i = 0; i < N; i++) historian.log(entry(i));
    await historian.flush();
  });
  globalThis.gc?.();
  const rss = process.memoryUsage().rss;
  await historian.close();
  return { ms, rss };
}

async function baseline() {
  const sink = [];
  return time(() => {
    for (let i = 0; i < N; i++) sink.push(entry(i));
  });
}

await ours(); // warm-up: JIT and allocation paths
globalThis.gc?.();
const base = await baseline();
globalThis.gc?.();
const { ms, rss } = await ours();
const rate = (N / ms) * 1000;
printRows(`dispatch: ${fmt(N)} entries into the memory provider through the full logger`, [
  {
    bench: 'entries/s (logger → memory)',
    ours: fmt(rate),
    baseline: `${fmt((N / base) * 1000)} (array.push)`,
    ratio: (rate / ((N / base) * 1000)).toFixed(3),
    target: '≥ 1,000,000/s',
    ok: rate >= 1_000_000,
  },
  { bench: 'resident memory after 1M entries', ours: `${fmt(rss / 2 ** 20)} MB`, target: '< 300 MB', ok: rss < 300 * 2 ** 20 },
]);
