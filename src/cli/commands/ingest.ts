import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { EntryError } from '../../errors.js';
import type { EntryInput } from '../../entries/schema.js';
import type { Historian } from '../../dispatch/historian.js';
import { progress } from '../progress.js';
import { optionsOf, UsageError, withHistorian } from '../shared.js';

/** What an ingest run did. */
export interface IngestSummary {
  logged: number;
  bad: number;
}

/** Logs every JSON Lines entry of `lines`, reporting bad lines (with their number) to `warn`. */
export async function ingestLines(
  historian: Historian,
  lines: AsyncIterable<string>,
  warn: (message: string) => void,
): Promise<IngestSummary> {
  const summary = { logged: 0, bad: 0 };
  let number = 0;
  for await (const line of lines) {
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

/** `historian ingest [FILE|-]`: logs JSON Lines entries through the manifest's providers. */
export function ingestCommand(): Command {
  return new Command('ingest')
    .description('log JSON Lines entries (one entry object per line) from FILE or standard input')
    .argument('[file]', 'JSON Lines file, or - for standard input', '-')
    .addHelpText(
      'after',
      `\nExamples:\n  historian ingest session.jsonl -c agents.yml\n  python agent.py | historian ingest -\n` +
        `\nEach line is an entry of SPEC §2, e.g.\n  {"type":"message","conversation_id":"c1","role":"user","content":"hi"}\n` +
        'Bad lines are reported with their line number and skipped; the exit code is 1 if any were bad.',
    )
    .action(async (file: string, _options, command: Command) => {
      if (file !== '-' && !existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const bar = progress('ingest', 'bytes');
      const summary = await withHistorian(optionsOf(command), async (historian) => {
        // Read only once the providers are open: lines read earlier would be lost.
        const input = file === '-' ? process.stdin : createReadStream(file, 'utf8');
        if (file !== '-') {
          const total = statSync(file).size;
          input.on('data', () => bar.update((input as ReturnType<typeof createReadStream>).bytesRead, total));
        }
        const lines = createInterface({ input, crlfDelay: Infinity });
        const result = await ingestLines(historian, lines, (message) => process.stderr.write(`historian: ${message}\n`)).finally(bar.stop);
        await historian.flush();
        return result;
      });
      const skipped = summary.bad > 0 ? ` (${summary.bad} bad line${summary.bad === 1 ? '' : 's'} skipped)` : '';
      process.stderr.write(`historian: ingested ${summary.logged} entr${summary.logged === 1 ? 'y' : 'ies'}${skipped}\n`);
      if (summary.bad > 0) process.exitCode = 1;
    });
}
