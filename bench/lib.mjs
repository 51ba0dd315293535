// Shared helpers of the benchmarks: timing and one table format for every bench.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
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

/**
 * Writes `conversations` × (1 start + `per` messages) as JSON Lines, as the logger stamps them.
 * Messages carry `filler` text; with `usage`, every other one is an assistant reply with a model
 * and token usage.
 */
export async function writeHistory(path, { conversations, per = 40, filler, usage = false }) {
  const out = createWriteStream(path);
  const base = Date.parse('2026-01-01T00:00:00Z');
  let seq = 0;
  for (let c = 0; c < conversations; c++) {
    const conversation_id = `conv-${c}`;
    const t0 = base + c * 60_000;
    let text = `${JSON.stringify({ type: 'conversation_start', conversation_id, agent_name: `agent${c % 7}`, id: `e${++seq}`, timestamp: new Date(t0).toISOString(), seq })}\n`;
    for (let m = 0; m < per; m++) {
      const reply = usage && m % 2 ? { model: 'openai/gpt-4o', cost_info: { token_usage: { total: 160, prompt: 120, completion: 40 }, total_cost: 0.0012 } } : {};
      const message = { type: 'message', conversation_id, role: m % 2 ? 'assistant' : 'user', content: `message ${m} of ${c}: ${filler}`, ...reply };
      text += `${JSON.stringify({ ...message, id: `e${++seq}`, timestamp: new Date(t0 + m * 1000 + 1).toISOString(), seq })}\n`;
    }
    if (!out.write(text)) await new Promise((done) => out.once('drain', done));
  }
  await new Promise((done) => out.end(done));
}
