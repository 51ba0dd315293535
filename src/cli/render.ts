import type { CommandEntry, ContextEntry, MessageEntry, ToolCallEntry } from '../core/entries.js';
import type { DetailedConversation } from '../history/details.js';
import { byLogOrder } from '../store/store.js';
import type { Stats, TokenTotals } from '../core/queries.js';
import { style, unstyled, type Style } from './output.js';
import { cutShort } from '../core/finish-reasons.js';
import { count } from '../core/count.js';

/** Colours only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

/** Paints text when colours are on (the output writer turns the style into colour). */
export function paint(name: Style, text: string, on = colorEnabled()): string {
  return on ? style(name, text) : text;
}

/** `2026-11-22 12:00:01` from an ISO timestamp (UTC). */
export function shortTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Visible width of a string (wide CJK characters count two columns). */
function width(text: string): number {
  let columns = 0;
  for (const char of unstyled(text)) columns += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 2 : 1;
  return columns;
}

/** Aligns rows into columns; columns listed in `right` are right-aligned (numbers). */
export function table(rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = ' '.repeat((widths[i] ?? 0) - width(cell));
          return right.has(i) ? pad + cell : i === row.length - 1 ? cell : cell + pad;
        })
        .join('  '),
    )
    .join('\n');
}

function sender(message: MessageEntry): string {
  const who = message.name ? `${message.role} ${message.name}` : message.role;
  return message.model ? `${who} (${message.model})` : who;
}

function indent(content: string, by: string): string {
  return content.split('\n').join(`\n${by}`);
}

/** A tool call or context addition, one line under its message. */
function detailLine(entry: ToolCallEntry | ContextEntry): string {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ⏎ ');
  const time = paint('dim', entry.timestamp.slice(11, 19));
  if (entry.type === 'tool_call') return `  ${time}    ${paint('blue', '↳ tool')} ${entry.tool_name}(${JSON.stringify(entry.args)}) → ${JSON.stringify(entry.result) ?? 'undefined'}`;
  return `  ${time}    ${paint('blue', `↳ context (${entry.role}${entry.name ? ` ${entry.name}` : ''})`)}: ${oneLine(entry.content)}`;
}

/** Conversations as readable text: a header per conversation, then one line per message, its tool calls and context under it. */
export function renderConversations(conversations: DetailedConversation[]): string {
  if (conversations.length === 0) return 'no conversations found';
  return conversations
    .map((c) => {
      const messages = count(c.messages.length, 'message');
      const tokens = c.token_usage ? ` · ${tokenText(c.token_usage)}` : '';
      const header = `${paint('bold', c.conversation_id)}  ${paint('cyan', c.agent_name ?? '(unknown agent)')}  ${paint('dim', shortTime(c.start_time))} · ${messages}${tokens}`;
      const lines = (c.context ?? []).map(detailLine);
      for (const m of c.messages) {
        const time = paint('dim', m.timestamp.slice(11, 19));
        const who = paint(m.role === 'user' ? 'green' : 'yellow', sender(m));
        const forwarded = m.forwarded_from?.length ? paint('magenta', ` [forwarded from ${m.forwarded_from.join(' → ')}]`) : '';
        const stopped = cutShort(m.finish_reason) ? paint('red', ` [${m.finish_reason}]`) : '';
        lines.push(`  ${time}  ${who}${forwarded}${stopped}: ${indent(m.content, '            ')}`);
        lines.push(...[...(m.tool_calls ?? []), ...(m.context ?? [])].sort(byLogOrder).map(detailLine));
      }
      return [header, ...lines].join('\n');
    })
    .join('\n\n');
}

/** Conversation token totals: total, prompt and completion, then the cache and reasoning counts that are not zero. */
function tokenText(usage: TokenTotals): string {
  const extra = [
    [usage.cache_read, 'cache read'],
    [usage.cache_write, 'cache write'],
    [usage.reasoning, 'reasoning'],
  ] as const;
  const parts = [`${usage.prompt} prompt`, `${usage.completion} completion`, ...extra.filter(([n]) => n > 0).map(([n, label]) => `${n} ${label}`)];
  return `${count(usage.total, 'token')} (${parts.join(', ')})`;
}

/** The stats columns shown only when some group counted them. */
const OPTIONAL_STATS = [
  ['cache read', 'cache_read_tokens'],
  ['cache write', 'cache_write_tokens'],
  ['reasoning', 'reasoning_tokens'],
] as const;

function money(value: number): string {
  return `$${value.toFixed(4)}`;
}

/** Stats as an aligned table. */
export function renderStats(stats: Stats): string {
  const window = `since ${stats.since ?? 'the beginning'} until ${stats.until ?? 'now'}`;
  if (stats.groups.length === 0) return `no messages ${window}`;
  const header = [stats.group_by, 'messages', 'tokens', 'prompt', 'completion', 'cost', 'models'];
  const rows = stats.groups.map((g) => [
    g.key ?? '(none)',
    String(g.messages),
    String(g.total_tokens),
    String(g.prompt_tokens),
    String(g.completion_tokens),
    money(g.cost),
    g.models.join(', ') || '-',
  ]);
  // Inserted before `cost`, so the numeric columns stay together (right-aligned below).
  const shown = OPTIONAL_STATS.filter(([, field]) => stats.groups.some((g) => g[field] > 0));
  header.splice(5, 0, ...shown.map(([label]) => label));
  stats.groups.forEach((g, i) => rows[i]!.splice(5, 0, ...shown.map(([, field]) => String(g[field]))));
  if (stats.groups.some((g) => (g.llm_calls ?? 0) > 0)) {
    header.push('llm calls', 'llm tokens', 'llm cost');
    stats.groups.forEach((g, i) => rows[i]!.push(String(g.llm_calls ?? 0), String(g.llm_tokens?.total ?? 0), money(g.llm_cost ?? 0)));
  }
  const total = stats.groups.reduce((sum, g) => sum + g.cost, 0);
  const footer = `${count(stats.groups.reduce((sum, g) => sum + g.messages, 0), 'message')}, ${money(total)} · ${window}`;
  const models = header.indexOf('models');
  const numeric = new Set(header.map((_, i) => i).filter((i) => i > 0 && i !== models));
  return `${table([header, ...rows], numeric)}\n${paint('dim', footer)}`;
}

/** Commands, one aligned line each. */
export function renderCommands(commands: CommandEntry[]): string {
  if (commands.length === 0) return 'no commands found';
  return table([
    ['time', 'agent', 'session', 'command'],
    ...commands.map((c) => [shortTime(c.timestamp), c.agent_name, c.session_id, c.command]),
  ]);
}

