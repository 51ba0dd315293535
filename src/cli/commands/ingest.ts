import { createReadStream, existsSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Command } from 'commander';
import { EntryError, RejectedEntryError, type ProviderError } from '../../core/errors.js';
import type { EntryInput } from '../../core/entries.js';
import { createHistorian, type Historian } from '../../dispatch/historian.js';
import { closeWithin, DEFAULT_SHUTDOWN_TIMEOUT, describePending, signalExitCode, waitAtMost, watchSignals, type SignalWatch } from '../../dispatch/signals.js';
import { describeFailure } from '../failure.js';
import { diagnostic } from '../output.js';
import { progress, taskProgress } from '../progress.js';
import { manifestFor, optionsOf, UsageError, warn, type GlobalOptions } from '../shared.js';
import { count } from '../../core/count.js';

/** What an ingest run did. */
export interface IngestSummary {
  logged: number;
  bad: number;
}

/**
 * Entries per provider write while ingesting: a bulk load has no reader waiting on each entry,
 * and larger transactions cost less per entry (measured on SQLite: about 10% less CPU than the
 * logger's default of 1000).
 */
const INGEST_BATCH_SIZE = 5000;

/** Line breaks as readline knows them: `\r\n`, `\n`, or a lone `\r`. */
const LINE_BREAK = /\r\n|\n|\r/;

/**
 * The lines of a stream of text, one array per chunk read, so a large chunk is split at once
 * rather than handed out line by line. A `\r` at the end of a chunk waits for the next one, in
 * case it begins with `\n`; the last line needs no line break after it.
 */
export async function* linesOf(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let carried = '';
  for await (const chunk of chunks) {
    const text = carried + chunk;
    const held = text.endsWith('\r') ? 1 : 0;
    const lines = text.slice(0, text.length - held).split(LINE_BREAK);
    carried = lines.pop()! + (held ? '\r' : '');
    if (lines.length > 0) yield lines;
  }
  if (carried !== '') yield [carried.endsWith('\r') ? carried.slice(0, -1) : carried];
}

/**
 * Logs every JSON Lines entry of `lines` (given a chunk's worth at a time), reporting bad lines
 * (with their number) to `warn`. Stops before the next line once `stopped()` is true (a signal
 * asked the process to end).
 */
export async function ingestLines(
  historian: Historian,
  lines: AsyncIterable<readonly string[]>,
  warn: (message: string) => void,
  stopped: () => boolean = () => false,
): Promise<IngestSummary> {
  const summary = { logged: 0, bad: 0 };
  let number = 0;
  for await (const batch of lines) {
    for (const line of batch) {
      if (stopped()) return summary;
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
  }
  return summary;
}

/**
 * The text of `input`, updating the progress bar after each chunk. Ends when the input ends, or
 * when it is destroyed (a signal stops reading: what was read is kept).
 */
async function* chunksOf(input: Readable, file: string): AsyncGenerator<string> {
  const bar = progress('ingest', 'bytes');
  const total = file === '-' ? 0 : statSync(file).size;
  try {
    for await (const chunk of input) {
      if (total > 0) bar.update((input as ReturnType<typeof createReadStream>).bytesRead, total);
      yield chunk as string;
    }
  } catch (error) {
    if (!input.destroyed || (error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  } finally {
    bar.stop();
  }
}

/** The input of `ingest`: a file (with a progress bar on a terminal), or standard input. */
function openInput(file: string): Readable {
  // The stream's own chunks (64 KiB): larger ones were measured to cost memory and save no time.
  if (file !== '-') return createReadStream(file, 'utf8');
  return process.stdin.setEncoding('utf8');
}

/** Entries providers could never store, per provider label: how many, and the file that keeps them. */
type SetAside = Map<string, { count: number; file: string | null }>;

/** Counts a rejected entry (a provider refused it, or its template failed on it) before warning about it. */
function countingRejections(setAside: SetAside): (error: ProviderError) => void {
  return (error) => {
    if (error instanceof RejectedEntryError) {
      const seen = setAside.get(error.provider) ?? { count: 0, file: error.file };
      seen.count += 1;
      setAside.set(error.provider, seen);
    }
    warn(error);
  };
}

function describeSetAside(setAside: SetAside): string {
  const parts = [...setAside].map(([provider, { count: n, file }]) => `${count(n, 'entry', 'entries')} by ${provider}${file ? ` (kept in ${file})` : ''}`);
  return parts.length > 0 ? `; set aside: ${parts.join(', ')}` : '';
}

/** The closing line: how many entries were logged, what was skipped or set aside, what a shutdown left unstored. */
function summaryLine(summary: IngestSummary, watch: SignalWatch, pending: Record<string, number>, setAside: SetAside): string {
  const skipped = summary.bad > 0 ? ` (${count(summary.bad, 'bad line')} skipped)` : '';
  const unstored = describePending(pending);
  const lost = unstored ? `; entries not stored: ${unstored}` : '';
  const prefix = watch.received ? `interrupted by ${watch.received}: ` : '';
  return `${prefix}ingested ${count(summary.logged, 'entry', 'entries')}${skipped}${describeSetAside(setAside)}${lost}`;
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
  const setAside: SetAside = new Map();
  // Progress: a migration's index build at open, the search index's catch-up at close (a bar on a terminal).
  const historian = await createHistorian(manifestFor(options), { onError: countingRejections(setAside), batchSize: INGEST_BATCH_SIZE, onProgress: taskProgress() });
  // Read only once the providers are open: lines read earlier would be lost.
  const input = openInput(file);
  const watch = watchSignals();
  void watch.first.then(() => input.destroy());
  let summary: IngestSummary = { logged: 0, bad: 0 };
  let failure: unknown;
  try {
    summary = await ingestLines(historian, linesOf(chunksOf(input, file)), diagnostic, () => watch.received !== undefined);
  } catch (error) {
    failure = error;
  }
  const outcome = await closeAfterInput(historian, watch);
  watch.remove();
  const error = failure ?? outcome.error;
  const line = () => summaryLine(summary, watch, outcome.timedOut || error ? historian.pending() : {}, setAside);
  if (watch.received) {
    if (error) diagnostic(describeFailure(error, 'ingest'));
    diagnostic(line());
    // A provider that did not close in time may still hold a socket open; the process must not wait on it.
    process.exit(signalExitCode(watch.received));
  }
  diagnostic(line());
  if (error) throw error;
  if (summary.bad > 0 || setAside.size > 0) process.exitCode = 1;
}

/** `historian ingest [FILE|-]`: logs JSON Lines entries through the manifest's providers. */
export function ingestCommand(): Command {
  return new Command('ingest')
    .description('log JSON Lines entries (one entry object per line) from FILE or standard input')
    .argument('[file]', 'JSON Lines file, or - for standard input', '-')
    .addHelpText(
      'after',
      `\nExamples:\n  historian ingest session.jsonl -c agents.yml\n  python agent.py | historian ingest -\n` +
        `\nEach line is one entry (its types and fields: docs/entries.md), e.g.\n  {"type":"message","conversation_id":"c1","role":"user","content":"hi"}\n` +
        'Bad lines are reported with their line number and skipped. An entry a provider can never store (say, its\n' +
        'template fails on it) is set aside in that provider\'s <log>.rejected.jsonl. The exit code is 1 if any line\n' +
        'was bad or any entry set aside.\n' +
        `On SIGINT or SIGTERM, reading stops, what was read is stored (waiting at most ${DEFAULT_SHUTDOWN_TIMEOUT / 1000} s), and the exit code is 130 or 143.`,
    )
    .action(async (file: string, _options, command: Command) => {
      if (file !== '-' && !existsSync(file)) throw new UsageError(`no such file: ${file}`);
      await ingest(file, optionsOf(command));
    });
}
