import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Command } from 'commander';
import { EntryError } from '../../core/errors.js';
import type { EntryInput } from '../../core/entries.js';
import { createHistorian, type Historian } from '../../dispatch/historian.js';
import { closeWithin, DEFAULT_SHUTDOWN_TIMEOUT, describePending, signalExitCode, waitAtMost, watchSignals, type SignalWatch } from '../../dispatch/signals.js';
import { describeFailure } from '../failure.js';
import { diagnostic } from '../output.js';
import { progress } from '../progress.js';
import { manifestFor, optionsOf, UsageError, warn, type GlobalOptions } from '../shared.js';

/** What an ingest run did. */
export interface IngestSummary {
  logged: number;
  bad: number;
}

/**
 * Logs every JSON Lines entry of `lines`, reporting bad lines (with their number) to `warn`.
 * Stops before the next line once `stopped()` is true (a signal asked the process to end).
 */
export async function ingestLines(
  historian: Historian,
  lines: AsyncIterable<string>,
  warn: (message: string) => void,
  stopped: () => boolean = () => false,
): Promise<IngestSummary> {
  const summary = { logged: 0, bad: 0 };
  let number = 0;
  for await (const line of lines) {
    if (stopped()) break;
    number += 1;
    if (line.trim() === '') continue;
    try {
      historian.log(JSON.parse(line) as EntryInput);
      summary.logged += 1;
    } catch (error) {
      summary.bad += 1;
      if (!(error instanceof SyntaxError || error instanceof EntryError)) throw error;
      const reason = error instanceof EntryError ? error.message : `invalid JSON (${error.message})`;
      warn(`line ${number}: ${reason} — skipped`);
    }
  }
  return summary;
}

/** The input of `ingest`: a file with a progress bar on a terminal, or standard input. */
function openInput(file: string): { input: Readable; lines: Interface; stopBar(): void } {
  const bar = progress('ingest', 'bytes');
  const input = file === '-' ? process.stdin : createReadStream(file, 'utf8');
  if (file !== '-') {
    const total = statSync(file).size;
    input.on('data', () => bar.update((input as ReturnType<typeof createReadStream>).bytesRead, total));
  }
  return { input, lines: createInterface({ input, crlfDelay: Infinity }), stopBar: bar.stop };
}

function entries(count: number): string {
  return `${count} entr${count === 1 ? 'y' : 'ies'}`;
}

/** The closing line: how many entries were logged, what was skipped, what a shutdown left unstored. */
function summaryLine(summary: IngestSummary, watch: SignalWatch, pending: Record<string, number>): string {
  const skipped = summary.bad > 0 ? ` (${summary.bad} bad line${summary.bad === 1 ? '' : 's'} skipped)` : '';
  const unstored = describePending(pending);
  const lost = unstored ? `; entries not stored: ${unstored}` : '';
  const prefix = watch.received ? `interrupted by ${watch.received}: ` : '';
  return `${prefix}ingested ${entries(summary.logged)}${skipped}${lost}`;
}

/** Closes the logger: taking as long as the flush needs, or at most DEFAULT_SHUTDOWN_TIMEOUT once a signal came. */
async function closeAfterInput(historian: Historian, watch: SignalWatch): Promise<{ timedOut: boolean; error?: unknown }> {
  let bounded: ReturnType<typeof waitAtMost> | undefined;
  const deadline = watch.first.then(() => (bounded = waitAtMost(DEFAULT_SHUTDOWN_TIMEOUT, watch.second)).done);
  try {
    return await closeWithin(historian, deadline);
  } finally {
    bounded?.cancel();
  }
}

/**
 * Logs the lines of `file` until its end, or until SIGINT / SIGTERM: then reading stops, what
 * was logged is flushed and the providers closed (waiting at most DEFAULT_SHUTDOWN_TIMEOUT), the
 * count is printed and the process exits with 130 / 143.
 */
async function ingest(file: string, options: GlobalOptions): Promise<void> {
  const historian = await createHistorian(manifestFor(options), { onError: warn });
  // Read only once the providers are open: lines read earlier would be lost.
  const { input, lines, stopBar } = openInput(file);
  const watch = watchSignals();
  void watch.first.then(() => {
    lines.close();
    input.destroy();
  });
  let summary: IngestSummary = { logged: 0, bad: 0 };
  let failure: unknown;
  try {
    summary = await ingestLines(historian, lines, diagnostic, () => watch.received !== undefined);
  } catch (error) {
    failure = error;
  } finally {
    stopBar();
  }
  const outcome = await closeAfterInput(historian, watch);
  watch.remove();
  const error = failure ?? outcome.error;
  const line = () => summaryLine(summary, watch, outcome.timedOut || error ? historian.pending() : {});
  if (watch.received) {
    if (error) diagnostic(describeFailure(error, 'ingest'));
    diagnostic(line());
    // A provider that did not close in time may still hold a socket open; the process must not wait on it.
    process.exit(signalExitCode(watch.received));
  }
  diagnostic(line());
  if (error) throw error;
  if (summary.bad > 0) process.exitCode = 1;
}

/** `historian ingest [FILE|-]`: logs JSON Lines entries through the manifest's providers. */
export function ingestCommand(): Command {
  return new Command('ingest')
    .description('log JSON Lines entries (one entry object per line) from FILE or standard input')
    .argument('[file]', 'JSON Lines file, or - for standard input', '-')
    .addHelpText(
      'after',
      `\nExamples:\n  historian ingest session.jsonl -c agents.yml\n  python agent.py | historian ingest -\n` +
        `\nEach line is an entry of SPEC §2, e.g.\n  {"type":"message","conversation_id":"c1","role":"user","content":"hi"}\n` +
        'Bad lines are reported with their line number and skipped; the exit code is 1 if any were bad.\n' +
        `On SIGINT or SIGTERM, reading stops, what was read is stored (waiting at most ${DEFAULT_SHUTDOWN_TIMEOUT / 1000} s), and the exit code is 130 or 143.`,
    )
    .action(async (file: string, _options, command: Command) => {
      if (file !== '-' && !existsSync(file)) throw new UsageError(`no such file: ${file}`);
      await ingest(file, optionsOf(command));
    });
}
