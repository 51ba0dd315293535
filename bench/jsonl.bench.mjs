// jsonl at scale: `historian history show --limit 10` over a JSON Lines history of 5,000
// conversations × 40 messages (205k entries, ~120 MB) and of 1M entries, as whole processes,
// beside a plain Node script that streams the same file and JSON.parses every line. "cold":
// no index beside the log yet (the first read builds it); "warm": the index is there.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, printRows, tempDir, writeHistory } from './lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const CLI = join(here, '../dist/cli/main.js');
const PROBE = join(here, 'rss-probe.mjs');
const ROUNDS = 3;
const dir = tempDir('historian-jsonl-bench-');
const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. '.repeat(3);

const PLAIN = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
let n = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[1]), crlfDelay: Infinity })) if (line) { JSON.parse(line); n++; }
`;

/** Runs a node process; returns its wall time and peak resident memory. */
function measure(args) {
  const start = performance.now();
  const run = spawnSync(process.execPath, ['--import', PROBE, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  return { ms, rss: Number(/historian-bench-rss (\d+)/.exec(run.stderr)[1]) };
}

async function bench(label, conversations, per) {
  const log = join(dir, `${label}.jsonl`);
  const manifest = join(dir, `${label}.yml`);
  await writeHistory(log, { conversations, per, filler, usage: true });
  writeFileSync(manifest, `storage:\n  providers:\n    - type: file\n      path: ${log}\n`);
  const show = [CLI, 'history', 'show', '--limit', '10', '-c', manifest];
  const best = { cold: { ms: Infinity, rss: 0 }, warm: { ms: Infinity, rss: 0 }, plain: { ms: Infinity, rss: 0 } };
  const keep = (key, m) => {
    if (m.ms < best[key].ms) best[key] = m;
  };
  for (let round = 0; round < ROUNDS; round++) {
    rmSync(`${log}.index`, { force: true });
    keep('cold', measure(show));
    keep('warm', measure(show));
    keep('plain', measure(['--input-type=module', '-e', PLAIN, log]));
  }
  rmSync(log, { force: true });
  rmSync(`${log}.index`, { force: true });
  return best;
}

const mb = (bytes) => `${fmt(bytes / 2 ** 20)} MB`;
const small = await bench('205k', 5_000, 40);
const large = await bench('1m', 24_390, 40);
printRows(`jsonl: history show --limit 10, whole process (best of ${ROUNDS})`, [
  { bench: 'time, 205k entries, cold (builds the index)', ours: `${fmt(small.cold.ms)} ms`, baseline: `${fmt(small.plain.ms)} ms (stream + JSON.parse)`, ratio: (small.cold.ms / small.plain.ms).toFixed(2), target: '≤ 1.5×', ok: small.cold.ms <= 1.5 * small.plain.ms },
  { bench: 'time, 205k entries, warm (index beside the log)', ours: `${fmt(small.warm.ms)} ms`, baseline: `${fmt(small.plain.ms)} ms (stream + JSON.parse)`, ratio: (small.warm.ms / small.plain.ms).toFixed(2), target: '≤ 1.5×', ok: small.warm.ms <= 1.5 * small.plain.ms },
  { bench: 'peak resident, 205k entries, cold', ours: mb(small.cold.rss), baseline: mb(small.plain.rss), ratio: (small.cold.rss / small.plain.rss).toFixed(2), target: '≤ 150 MB', ok: small.cold.rss <= 150 * 2 ** 20 },
  { bench: 'peak resident, 1M entries, cold', ours: mb(large.cold.rss), baseline: mb(large.plain.rss), ratio: (large.cold.rss / large.plain.rss).toFixed(2), target: '≤ 300 MB', ok: large.cold.rss <= 300 * 2 ** 20 },
  { bench: 'growth: cold, 1M vs 205k entries', ours: `${fmt(large.cold.ms)} ms`, baseline: `${fmt(small.cold.ms)} ms at 205k`, ratio: (large.cold.ms / small.cold.ms).toFixed(1), target: '≤ 12× (linear: 4.9×)', ok: large.cold.ms / small.cold.ms <= 12 },
  { bench: 'growth: warm, 1M vs 205k entries', ours: `${fmt(large.warm.ms)} ms`, baseline: `${fmt(small.warm.ms)} ms at 205k`, ratio: (large.warm.ms / small.warm.ms).toFixed(1), target: '≤ 12×', ok: large.warm.ms / small.warm.ms <= 12 },
]);
