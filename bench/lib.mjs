// Shared helpers of the benchmarks: timing and one table format for every bench.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `fn` and returns the elapsed milliseconds (awaiting it when it returns a promise). */
export async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** A temporary folder removed at exit. */
export function tempDir(prefix = 'historian-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Formats a number with thousands separators and at most `digits` decimals. */
export function fmt(value, digits = 0) {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * Prints rows as an aligned table: `| bench | ours | baseline | ratio | target | ok |`.
 * Each row: { bench, ours, baseline, ratio, target, ok } (strings or numbers).
 * Sets a non-zero exit code when a row misses its target.
 */
export function printRows(title, rows) {
  const header = ['bench', 'ours', 'baseline', 'ratio', 'target', 'ok'];
  const cells = rows.map((r) => [r.bench, r.ours, r.baseline ?? '-', r.ratio ?? '-', r.target ?? '-', r.ok === undefined ? '-' : r.ok ? 'yes' : 'NO'].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
  if (rows.some((r) => r.ok === false)) process.exitCode = 1;
}
