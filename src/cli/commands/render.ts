import { open, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { AgentAttribution } from '../../core/attribution.js';
import { HistorianError } from '../../core/errors.js';
import type { History } from '../../history/history.js';
import { renderDocument } from '../../providers/text-file/render.js';
import { templatesDir } from '../../providers/text-file/templates.js';
import { optionsOf, UsageError, withHistory } from '../shared.js';
import { OutputClosed, writeOut } from '../output.js';

const BUILT_IN = ['chronological', 'conversations'];

/** A template path, or the file of a built-in format. */
function templateFile(name: string): string {
  return BUILT_IN.includes(name) ? join(templatesDir, `${name}.j2`) : resolve(name);
}

/** Entries with the agent the logger attributes them to, read as they are rendered. */
async function* records(history: History, window: { since?: string; until?: string }) {
  const attribution = new AgentAttribution(Number.POSITIVE_INFINITY);
  for await (const entry of history.entries(window)) yield { entry, agent: attribution.agentOf(entry) };
}

/** A template's failure is bad usage; reading or writing failing is not. */
function renderFailure(file: string, error: unknown): unknown {
  if (error instanceof HistorianError || error instanceof OutputClosed || (error as NodeJS.ErrnoException).code !== undefined) return error;
  return new UsageError(`cannot render ${file}: ${(error as Error).message}`);
}

/** `historian render --template FILE`: renders stored history through any template. */
export function renderCommand(): Command {
  return new Command('render')
    .description('render stored history through a template (a .j2 file, or chronological / conversations)')
    .requiredOption('--template <file>', 'template file, or the name of a built-in format')
    .option('--since <when>', 'only entries since a duration ago (30m, 2d) or an ISO date-time')
    .option('--until <when>', 'only entries until then')
    .option('--provider <name>', 'read from this provider (name or type) instead of the default')
    .option('--out <file>', 'write to this file instead of standard output')
    .addHelpText(
      'after',
      '\nExamples:\n  historian render --template conversations --since 1d\n  historian render --template examples/templates/one-line.j2 --out today.log\n\n' +
        'A template that exports entry(e) (chronological) is rendered an entry at a time; a grouped one (conversations) gets every entry first.',
    )
    .action(async (_options, command: Command) => {
      const o = optionsOf<{ template: string; since?: string; until?: string; provider?: string; out?: string }>(command);
      const file = templateFile(o.template);
      await withHistory(o, o.provider, async (history) => {
        // Opened at the first piece, so a template that does not load leaves no file behind.
        let out: FileHandle | undefined;
        try {
          for await (const piece of renderDocument(file, records(history, o))) {
            if (o.out === undefined) writeOut(piece);
            else await (out ??= await open(o.out, 'w')).write(piece);
          }
        } catch (error) {
          throw renderFailure(file, error);
        } finally {
          await out?.close();
        }
      });
    });
}
