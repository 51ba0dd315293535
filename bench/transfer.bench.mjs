// Streaming transfer: `historian import`, `export` (JSON Lines and a JSON document) and `render`
// (chronological) over 100k and 1M entries, as whole processes, each with its peak resident
// memory. "Flat" means the 1M figure stays near the 100k one: memory does not grow with the
// history. Reference: a plain Node script streaming the same file and JSON.parsing every line.
// HISTORIAN_BENCH_CLI runs another build of the CLI (e.g. an older one, for a before figure).
import { spawnSync } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, printRows, tempDir, writeHistory } from './lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const CLI = process.env.HISTORIAN_BENCH_CLI ?? join(here, '../dist/cli/main.js');
const PROBE = join(here, 'rss-probe.mjs');
const dir = tempDir('historian-transfer-bench-');
const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.';

const PLAIN = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
for await (const line of createInterface({ input: createReadStream(process.argv[1]), crlfDelay: Infinity })) if (line) JSON.parse(line);
`;

/** Runs a process; its time and peak resident memory, or why it failed. */
function measure(args) {
  const start = performance.now();
  const run = spawnSync(process.execPath, ['--import', PROBE, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - start;
  const rss = Number(/historian-bench-rss (\d+)/.exec(run.stderr)?.[1] ?? Number.NaN);
  if (run.status !== 0) return { ms, rss, failed: (run.stderr.split('\n').find((line) => /error|historian:/i.test(line)) ?? `exit ${run.status}`).slice(0, 80) };
  return { ms, rss };
}

const COMMANDS = {
  'import jsonl → SQLite': (files) => [CLI, 'import', files.source, '-c', files.manifest],
  'export SQLite → jsonl': (files) => [CLI, 'export', '--to', join(dir, 'out.jsonl'), '-c', files.manifest],
  'export SQLite → json document': (files) => [CLI, 'export', '--to', join(dir, 'out.json'), '-c', files.manifest],
  'render chronological from SQLite': (files) => [CLI, 'render', '--template', 'chronological', '--out', join(dir, 'out.log'), '-c', files.manifest],
};

async function bench(label, conversations) {
  const files = { source: join(dir, `${label}.jsonl`), manifest: join(dir, `${label}.yml`) };
  await writeHistory(files.source, { conversations, filler });
  writeFileSync(files.manifest, `storage:\n  providers:\n    - type: sql\n      url: sqlite:///${join(dir, `${label}.db`)}\n`);
  const found = { plain: measure(['--input-type=module', '-e', PLAIN, files.source]), bytes: statSync(files.source).size };
  for (const [name, args] of Object.entries(COMMANDS)) found[name] = measure(args(files));
  for (const name of [files.source, join(dir, `${label}.db`), join(dir, `${label}.db-wal`), join(dir, `${label}.db-shm`)]) rmSync(name, { force: true });
  return found;
}

const mb = (bytes) => (Number.isNaN(bytes) ? '–' : `${fmt(bytes / 2 ** 20)} MB`);
const small = await bench('100k', 2_439);
const large = await bench('1m', 24_390);
const rows = [
  { bench: `reference: stream + JSON.parse, peak resident (${fmt(large.bytes / 2 ** 20)} MB file)`, ours: mb(large.plain.rss), baseline: `${mb(small.plain.rss)} at 100k`, ratio: (large.plain.rss / small.plain.rss).toFixed(2) },
];
for (const name of Object.keys(COMMANDS)) {
  const [a, b] = [small[name], large[name]];
  if (a.failed || b.failed) {
    rows.push({ bench: `${name}: peak resident, 1M vs 100k`, ours: b.failed ? `failed: ${b.failed}` : mb(b.rss), baseline: a.failed ? `failed: ${a.failed}` : mb(a.rss), target: '≤ 1.5× (flat)', ok: false });
    continue;
  }
  rows.push({ bench: `${name}: peak resident, 1M vs 100k`, ours: mb(b.rss), baseline: mb(a.rss), ratio: (b.rss / a.rss).toFixed(2), target: '≤ 1.5× (flat)', ok: b.rss <= 1.5 * a.rss });
  rows.push({ bench: `${name}: time, 1M vs 100k`, ours: `${fmt(b.ms)} ms`, baseline: `${fmt(a.ms)} ms`, ratio: (b.ms / a.ms).toFixed(1), target: '≤ 12×', ok: b.ms <= 12 * a.ms });
}
printRows(`transfer: whole processes over 100k and 1M entries (${CLI === join(here, '../dist/cli/main.js') ? 'this build' : CLI})`, rows);
