import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { AgentAttribution } from '../../core/attribution.js';
import type { Entry } from '../../core/entries.js';
import { renderDocument } from '../../providers/text-file/render.js';
import { templatesDir } from '../../providers/text-file/templates.js';
import { optionsOf, UsageError, withHistory } from '../shared.js';
import { writeOut } from '../output.js';

const BUILT_IN = ['chronological', 'conversations'];

/** A template path, or the file of a built-in format. */
function templateFile(name: string): string {
  return BUILT_IN.includes(name) ? join(templatesDir, `${name}.j2`) : resolve(name);
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
      '\nExamples:\n  historian render --template conversations --since 1d\n  historian render --template examples/templates/one-line.j2 --out today.log',
    )
    .action(async (_options, command: Command) => {
      const o = optionsOf<{ template: string; since?: string; until?: string; provider?: string; out?: string }>(command);
      const file = templateFile(o.template);
      const entries: Entry[] = await withHistory(o, o.provider, async (history) => {
        const found: Entry[] = [];
        for await (const entry of history.entries({ since: o.since, until: o.until })) found.push(entry);
        return found;
      });
      const attribution = new AgentAttribution(Number.POSITIVE_INFINITY);
      let text: string;
      try {
        text = renderDocument(file, entries.map((entry) => ({ entry, agent: attribution.agentOf(entry) })));
      } catch (error) {
        throw new UsageError(`cannot render ${file}: ${(error as Error).message}`);
      }
      if (o.out) writeFileSync(o.out, text);
      else writeOut(text);
    });
}
