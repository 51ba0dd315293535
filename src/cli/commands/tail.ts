import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { parseDuration, toTimestamp } from '../../core/time.js';
import { isRunFact, type Entry } from '../../core/entries.js';
import type { History, HistoryFeed } from '../../history/history.js';
import { paint, shortTime } from '../render.js';
import { formatOption, optionsOf, readingFrom, withProvider, type Format } from '../shared.js';
import { writeOut } from '../output.js';

interface TailOptions {
  follow?: boolean;
  agent?: string;
  session?: string;
  since: string;
  interval: string;
  provider?: string;
  format: Format;
}

/** One line per entry: time, agent-ish, type and a one-line summary. */
export function entryLine(entry: Entry): string {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ⏎ ');
  const time = paint('dim', shortTime(entry.timestamp));
  if (isRunFact(entry)) return `${time}  ${paint('magenta', entry.session_id)}  ${entry.agent_name} ${entry.type.replace(/_/g, ' ')} (run ${entry.run_id})`;
  switch (entry.type) {
    case 'message':
      return `${time}  ${paint('cyan', entry.conversation_id)}  ${entry.role}${entry.name ? ` ${entry.name}` : ''}${entry.model ? ` (${entry.model})` : ''}: ${oneLine(entry.content)}`;
    case 'conversation_start':
      return `${time}  ${paint('cyan', entry.conversation_id)}  ${paint('bold', `conversation started by ${entry.agent_name}`)}`;
    case 'tool_call':
      return `${time}  ${paint('cyan', entry.conversation_id)}  tool ${entry.tool_name}(${JSON.stringify(entry.args)}) → ${JSON.stringify(entry.result)}`;
    case 'command':
      return `${time}  ${paint('magenta', entry.session_id)}  ${entry.agent_name} ran: ${entry.command}`;
    case 'context':
      return `${time}  ${paint('cyan', entry.conversation_id)}  context (${entry.role}): ${oneLine(entry.content)}`;
  }
}

function printEntry(entry: Entry, format: Format): void {
  if (format === 'text') writeOut(`${entryLine(entry)}\n`);
  else writeOut(`${JSON.stringify(entry)}\n`, 'json');
}

/**
 * Follows a provider that sees other processes' writes (a database, a JSON Lines file): prints
 * what is stored since `since`, then, each round, what was stored after the last position.
 */
async function follow(feed: HistoryFeed, since: string, o: TailOptions, every: number): Promise<never> {
  const scope = { agent: o.agent, session: o.session };
  let position = await feed.end();
  for await (const entry of feed.upTo({ since, ...scope }, position)) printEntry(entry, o.format);
  for (;;) {
    const next = await feed.after(position, scope);
    position = next.position;
    for (const entry of next.entries) printEntry(entry, o.format);
    if (next.entries.length === 0) await sleep(every);
  }
}

/**
 * Prints entries after the cursor (the last timestamp printed and the ids printed at it), for a
 * document, which is read afresh each round.
 */
async function printNew(history: History, o: TailOptions, cursor: { since: string; seen: Set<string> }) {
  for await (const entry of history.entries({ since: cursor.since, agent: o.agent, session: o.session })) {
    if (cursor.seen.has(entry.id)) continue;
    if (entry.timestamp > cursor.since) cursor.seen.clear();
    cursor.since = entry.timestamp;
    cursor.seen.add(entry.id);
    printEntry(entry, o.format);
  }
}

/** `historian tail [-f]`: prints recent history, and with -f follows it as it is written. */
export function tailCommand(): Command {
  return new Command('tail')
    .description('print recent entries from the reading provider; -f keeps following new ones')
    .option('-f, --follow', 'keep printing new entries as they are written (Ctrl-C to stop)')
    .option('--since <when>', 'start this long ago (30m, 2d) or at an ISO date-time', '10m')
    .option('--interval <duration>', 'how often to look for new entries with -f', '1s')
    .option('--agent <name>', "only this agent's entries: its conversations, commands and run-log facts")
    .option('--session <id>', "only this session's entries: its commands and run-log facts")
    .option('--provider <name>', 'read from this provider (name or type) instead of the default')
    .option('--format <format>', 'text, or json for JSON Lines', formatOption, 'text' as Format)
    .addHelpText('after', '\nExamples:\n  historian tail --since 1h --agent planner\n  historian tail -f --session s1 --format json | jq .type')
    .action(async (_options, command: Command) => {
      const o = optionsOf<TailOptions>(command);
      const every = parseDuration(o.interval);
      const since = toTimestamp(o.since, Date.now(), 'since');
      const cursor = { since, seen: new Set<string>() };
      // A database or a JSON Lines file is kept open and followed by position; a document is
      // opened afresh each round, as it answers from what it read when opened (the manifest is
      // read, and its warnings printed, once).
      const { manifest, provider } = readingFrom(o, o.provider);
      do {
        await withProvider(manifest, provider, async (history) => {
          if (o.follow && history.feed) return follow(history.feed, since, o, every);
          return printNew(history, o, cursor);
        });
        if (o.follow) await sleep(every);
      } while (o.follow);
    });
}
