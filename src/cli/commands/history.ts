import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import type { StatsGroup } from '../../core/queries.js';
import { withDetails } from '../../history/details.js';
import { renderCommands, renderConversations, renderStats } from '../render.js';
import { renderResetReport, resetProviders } from '../reset.js';
import { countOption, manifestFor, optionsOf, pageOption, print, printPage, readerOf, readingOptions, UsageError, withHistory, type ReadOptions } from '../shared.js';
import { diagnostic } from '../output.js';

function groupOption(value: string): StatsGroup {
  if (value === 'agent' || value === 'model' || value === 'hour' || value === 'day') return value;
  throw new UsageError(`invalid --group-by "${value}": expected agent, model, hour or day`);
}

interface ShowOptions extends ReadOptions {
  since?: string;
  until?: string;
  query?: string;
  model?: string;
  finishReason?: string;
  limit: number;
  offset: number;
  compact?: boolean;
  tokens?: boolean;
  tools?: boolean;
  context?: boolean;
  all?: boolean;
  page?: boolean;
}

function showCommand(): Command {
  return pageOption(readingOptions(
    new Command('show')
      .description('list conversations, newest first, with their messages')
      .argument('[agent]', "only this agent's conversations")
      .option('--since <when>', 'conversations started since a duration ago (30m, 2d, 1d12h) or an ISO date-time')
      .option('--until <when>', 'conversations started until then')
      .option('--query <text>', 'only messages containing this text (case-insensitive)')
      .option('--model <model>', 'only messages of this model')
      .option('--finish-reason <reason>', 'only messages that stopped for this reason (length, max_tokens, content_filter…)')
      .option('--limit <n>', 'at most this many conversations', countOption, 10)
      .option('--offset <n>', 'skip this many first', countOption, 0)
      .option('--compact', 'show only the first and last message of each conversation')
      .option('--tokens', 'add token totals per conversation')
      .option('--tools', 'show the tool calls under the message that made them (json / yaml: tool_calls of each message)')
      .option('--context', 'show context additions under the message they follow (json / yaml: context of each message)')
      .option('--all', 'both --tools and --context'),
  ))
    .addHelpText('after', '\nExamples:\n  historian history show planner --since 1d\n  historian history show --finish-reason length\n  historian history show --query deploy --format json\n  historian history show --all --limit 3')
    .action(async (agent: string | undefined, _options, command: Command) => {
      const o = optionsOf<ShowOptions>(command);
      const query = { agent, since: o.since, until: o.until, query: o.query, model: o.model, finish_reason: o.finishReason, limit: o.limit, offset: o.offset, compact: o.compact, tokens: o.tokens };
      const details = { tools: o.tools === true || o.all === true, context: o.context === true || o.all === true };
      if (o.page) {
        const page = await withHistory(o, o.provider, async (h) => {
          const found = await h.conversationsPage(query);
          return { ...found, items: await withDetails(h, found.items, details) };
        });
        return printPage(o, page, renderConversations);
      }
      const found = await withHistory(o, o.provider, async (h) => withDetails(h, await h.conversations(query), details));
      print(o.format, found, renderConversations);
    });
}

function statsCommand(): Command {
  return readingOptions(
    new Command('stats')
      .description('message counts, tokens, cost and models, grouped by agent, model, hour or day')
      .option('--period <duration>', 'the window back from now (ignored with --since)', '1d')
      .option('--since <when>', 'start of the window: a duration ago or an ISO date-time')
      .option('--until <when>', 'end of the window')
      .option('--agent <name>', "only this agent's messages")
      .option('--group-by <group>', 'agent, model, hour or day', groupOption, 'agent' as StatsGroup),
  )
    .addHelpText('after', '\nExamples:\n  historian history stats --period 7d --group-by model\n  historian history stats --since 2026-11-01 --format json')
    .action(async (_options, command: Command) => {
      const o = optionsOf<ReadOptions & { period: string; since?: string; until?: string; agent?: string; groupBy: StatsGroup }>(command);
      const query = { since: o.since ?? o.period, until: o.until, agent: o.agent, group_by: o.groupBy };
      const stats = await withHistory(o, o.provider, (h) => h.stats(query));
      print(o.format, stats, renderStats);
    });
}

function commandsCommand(): Command {
  return pageOption(readingOptions(
    new Command('commands')
      .description('list the commands agents ran, newest first')
      .option('--agent <name>', "only this agent's commands")
      .option('--session <id>', "only this session's commands")
      .option('--limit <n>', 'at most this many', countOption, 20)
      .option('--offset <n>', 'skip this many first', countOption, 0),
  ))
    .addHelpText('after', '\nExamples:\n  historian history commands --agent executor --limit 5\n  historian history commands --offset 20 --page --format json')
    .action(async (_options, command: Command) => {
      const o = optionsOf<ReadOptions & { agent?: string; session?: string; limit: number; offset: number; page?: boolean }>(command);
      const query = { agent: o.agent, session: o.session, limit: o.limit, offset: o.offset };
      if (o.page) return printPage(o, await withHistory(o, o.provider, (h) => h.commandsPage(query)), renderCommands);
      print(o.format, await withHistory(o, o.provider, (h) => h.commands(query)), renderCommands);
    });
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError('refusing to delete history without --yes (standard input is not a terminal)');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

function resetCommand(): Command {
  return readingOptions(
    new Command('reset')
      .description("delete history: everything, or one agent's conversations with their messages, tool calls, context and commands")
      .option('--agent <name>', "delete only this agent's history")
      .option('--hard', 'sql: drop the tables instead of deleting rows')
      .option('--all-providers', 'clear every provider that can delete history (sql, file, and text logs when no --agent is given), not only the reading one')
      .option('--yes', 'do not ask for confirmation'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  historian history reset --agent planner --yes\n  historian history reset --all-providers --hard\n\n' +
        'Prints one line per provider: those cleared with what they deleted, and those that kept their entries, with how to clear them.',
    )
    .action(async (_options, command: Command) => {
      const o = optionsOf<ReadOptions & { agent?: string; hard?: boolean; yes?: boolean; allProviders?: boolean }>(command);
      const manifest = manifestFor(o);
      const what = `${o.agent ? `the history of agent "${o.agent}"` : 'ALL history'} from ${o.allProviders ? 'every provider' : `provider "${readerOf(manifest, o.provider).label}"`}`;
      if (!o.yes && !(await confirm(`Delete ${what}?`))) {
        diagnostic('nothing deleted');
        return;
      }
      const report = await resetProviders(manifest, o.provider, { agent: o.agent, hard: o.hard }, o.allProviders === true);
      print(o.format, report, renderResetReport);
    });
}

/** `historian history show|stats|commands|reset`. */
export function historyCommand(): Command {
  return new Command('history')
    .description('read history back from the reading provider (--provider, else default_provider, else the first readable one)')
    .addHelpText('after', '\nExamples:\n  historian history show --since 1d --tokens\n  historian history stats --group-by model --format json\n  historian history commands --agent executor')
    .addCommand(showCommand())
    .addCommand(statsCommand())
    .addCommand(commandsCommand())
    .addCommand(resetCommand());
}
