import { isRunFact, type CommandEntry, type ContextEntry, type Entry, type MessageEntry, type RunFact, type ToolCallEntry } from '../core/entries.js';
import { AgentAttribution } from '../core/attribution.js';

/** One conversation's entries, in logging order, as the Markdown export lists them. */
interface Section {
  conversation_id: string;
  agent_name: string | null;
  start_time: string;
  entries: (MessageEntry | ToolCallEntry | ContextEntry)[];
}

/** A fenced block that no backtick run inside `text` can close early. */
function fenced(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

function json(value: unknown): string {
  return fenced(JSON.stringify(value, null, 2) ?? 'undefined', 'json');
}

function renderEntry(entry: Section['entries'][number]): string {
  switch (entry.type) {
    case 'message': {
      const who = [entry.role, entry.name, entry.model].filter(Boolean).join(' · ');
      const tokens = entry.cost_info?.token_usage;
      const usage = tokens ? ` — ${tokens.total} tokens` : '';
      return `#### ${who} — ${entry.timestamp}${usage}\n\n${fenced(entry.content)}`;
    }
    case 'tool_call':
      return `#### tool ${entry.tool_name} — ${entry.timestamp}\n\nArguments:\n\n${json(entry.args)}\n\nResult:\n\n${json(entry.result)}`;
    case 'context':
      return `#### context (${entry.role}) — ${entry.timestamp}\n\n${fenced(entry.content)}`;
  }
}

function renderCommand(command: CommandEntry): string {
  const context = command.context_type ? ` (${command.context_type})` : '';
  return `- ${command.timestamp} — **${command.agent_name}** in session \`${command.session_id}\`${context}: \`${command.command.replace(/`/g, "'")}\``;
}

function renderFact(fact: RunFact): string {
  const sequence = fact.sequence === undefined ? '' : ` #${fact.sequence}`;
  return `- ${fact.timestamp} — **${fact.agent_name}** session \`${fact.session_id}\`${sequence}, run \`${fact.run_id}\`: ${fact.type.replace(/_/g, ' ')}`;
}

/** Groups entries (in logging order) by conversation, attributing agents as the logger does. */
function sectionsOf(entries: readonly Entry[]): Section[] {
  const sections = new Map<string, Section>();
  const attribution = new AgentAttribution(Number.POSITIVE_INFINITY);
  for (const entry of entries) {
    const agent = attribution.agentOf(entry);
    if (entry.type === 'command' || isRunFact(entry)) continue;
    let section = sections.get(entry.conversation_id);
    if (!section) {
      section = { conversation_id: entry.conversation_id, agent_name: agent, start_time: entry.timestamp, entries: [] };
      sections.set(entry.conversation_id, section);
    }
    if (entry.type === 'conversation_start') {
      section.agent_name = entry.agent_name;
      section.start_time = entry.timestamp;
    } else section.entries.push(entry);
  }
  return [...sections.values()];
}

/**
 * History as Markdown: one section per conversation (in order of first appearance) with its
 * messages, tool calls and context, then the commands. `entries` must be in logging order.
 */
export function renderMarkdown(entries: readonly Entry[]): string {
  const parts = ['# Agent history\n'];
  for (const section of sectionsOf(entries)) {
    parts.push(`## Conversation ${section.conversation_id}\n`);
    parts.push(`Agent: ${section.agent_name ?? 'unknown'} · started ${section.start_time}\n`);
    for (const entry of section.entries) parts.push(`${renderEntry(entry)}\n`);
  }
  const commands = entries.filter((e): e is CommandEntry => e.type === 'command');
  if (commands.length > 0) parts.push(`## Commands\n\n${commands.map(renderCommand).join('\n')}\n`);
  const facts = entries.filter(isRunFact);
  if (facts.length > 0) parts.push(`## Run log\n\n${facts.map(renderFact).join('\n')}\n`);
  return parts.join('\n');
}
