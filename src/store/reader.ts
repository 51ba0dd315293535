import type { CommandEntry, Entry, MessageEntry } from '../core/entries.js';
import type { ConversationHead } from '../core/conversations.js';
import { byLogOrder, type EntryStore } from './store.js';
import type {
  CommandQuery,
  Conversation,
  ConversationQuery,
  HistoryReader,
  MessageQuery,
  Normalized,
  Stats,
  StatsGroup,
  StatsGroupRow,
  StatsQuery,
  TokenTotals,
} from '../core/queries.js';

type Window = { since?: string | undefined; until?: string | undefined };

/** Whether a timestamp lies in a query's window (both ends included). */
export function inWindow(timestamp: string, { since, until }: Window): boolean {
  return (since === undefined || timestamp >= since) && (until === undefined || timestamp <= until);
}

function contains(content: string, needle: string | undefined): boolean {
  return needle === undefined || content.toLowerCase().includes(needle.toLowerCase());
}

/** Newest first by start time; ties broken by conversation id, as the sql provider does. */
export function newestFirst(a: ConversationHead, b: ConversationHead): number {
  if (a.start_time !== b.start_time) return a.start_time < b.start_time ? 1 : -1;
  return a.conversation_id < b.conversation_id ? 1 : a.conversation_id > b.conversation_id ? -1 : 0;
}

/** Token totals of some messages (messages without usage count zero). */
export function tokenTotals(messages: readonly MessageEntry[]): TokenTotals {
  const totals = { total: 0, prompt: 0, completion: 0 };
  for (const { cost_info } of messages) {
    if (!cost_info) continue;
    totals.total += cost_info.token_usage.total;
    totals.prompt += cost_info.token_usage.prompt;
    totals.completion += cost_info.token_usage.completion;
  }
  return totals;
}

/** The stats key of a message under a grouping (hour `2026-11-23T14:00Z`, day `2026-11-23`). */
export function statsKey(group: StatsGroup, message: MessageEntry, agent: string | null): string | null {
  switch (group) {
    case 'agent':
      return agent;
    case 'model':
      return message.model ?? null;
    case 'hour':
      return `${message.timestamp.slice(0, 13)}:00Z`;
    case 'day':
      return message.timestamp.slice(0, 10);
  }
}

/** Sorts stats groups by key, the null key last. */
export function byStatsKey(a: StatsGroupRow, b: StatsGroupRow): number {
  if (a.key === b.key) return 0;
  if (a.key === null) return 1;
  if (b.key === null) return -1;
  return a.key < b.key ? -1 : 1;
}

/** The filter of a messages query but its conversation and limit: window, text, roles, agents. */
export function messageFilter(query: Normalized<MessageQuery>): (message: MessageEntry, agent: string | null) => boolean {
  const agents = query.agents ? new Set(query.agents) : undefined;
  const roles = query.roles ? new Set(query.roles) : undefined;
  return (m, agent) =>
    inWindow(m.timestamp, query) &&
    contains(m.content, query.contains) &&
    (roles === undefined || roles.has(m.role)) &&
    (agents === undefined ||
      agents.has(agent ?? '\u0000') ||
      (query.include_forwarded === true && (m.forwarded_from ?? []).some((a) => agents.has(a))));
}

/** Stats of messages fed one at a time (those outside the query's window are skipped). */
export class StatsTally {
  private readonly groups = new Map<string | null, StatsGroupRow & { seen: Set<string> }>();

  constructor(private readonly query: Normalized<StatsQuery> & { group_by: StatsGroup }) {}

  add(m: MessageEntry, agent: string | null): void {
    if (!inWindow(m.timestamp, this.query)) return;
    const key = statsKey(this.query.group_by, m, agent);
    let row = this.groups.get(key);
    if (!row) {
      row = { key, messages: 0, total_tokens: 0, prompt_tokens: 0, completion_tokens: 0, cost: 0, models: [], seen: new Set() };
      this.groups.set(key, row);
    }
    row.messages += 1;
    row.total_tokens += m.cost_info?.token_usage.total ?? 0;
    row.prompt_tokens += m.cost_info?.token_usage.prompt ?? 0;
    row.completion_tokens += m.cost_info?.token_usage.completion ?? 0;
    row.cost += m.cost_info?.total_cost ?? 0;
    if (m.model !== undefined) row.seen.add(m.model);
  }

  result(): Stats {
    const { group_by, since, until } = this.query;
    const rows = [...this.groups.values()].map(({ seen, ...row }) => ({ ...row, models: [...seen].sort() }));
    return { group_by, since: since ?? null, until: until ?? null, groups: rows.sort(byStatsKey) };
  }
}

/** The commands a query asks for, newest first. */
export function selectCommands(commands: readonly CommandEntry[], query: CommandQuery): CommandEntry[] {
  const found = commands
    .filter((c) => (query.agent === undefined || c.agent_name === query.agent) && (query.session === undefined || c.session_id === query.session))
    .sort((a, b) => byLogOrder(b, a));
  return query.limit === undefined ? found : found.slice(0, query.limit);
}

/** Answers the history queries of SPEC §5 from an `EntryStore`, in JavaScript. */
export function storeReader(store: EntryStore): HistoryReader {
  const agentOf = (message: MessageEntry) => store.conversations.get(message.conversation_id)?.agent_name ?? null;

  return {
    async conversations(query: Normalized<ConversationQuery>): Promise<Conversation[]> {
      const filtering = query.query !== undefined || query.model !== undefined;
      const result: Conversation[] = [];
      const candidates = [...store.conversations.values()]
        .filter((c) => (query.agent === undefined || c.agent_name === query.agent) && inWindow(c.start_time, query))
        .sort(newestFirst);
      for (const c of candidates) {
        if (query.limit !== undefined && result.length >= query.limit) break;
        const passing = c.messages
          .filter((m) => contains(m.content, query.query) && (query.model === undefined || m.model === query.model))
          .sort(byLogOrder);
        if (filtering && passing.length === 0) continue;
        const messages = query.compact && passing.length > 2 ? [passing[0]!, passing[passing.length - 1]!] : passing;
        const conversation: Conversation = {
          conversation_id: c.conversation_id,
          agent_name: c.agent_name,
          start_time: c.start_time,
          messages,
        };
        if (query.tokens) conversation.token_usage = tokenTotals(passing);
        result.push(conversation);
      }
      return result;
    },

    async messages(query: Normalized<MessageQuery>): Promise<MessageEntry[]> {
      const matches = messageFilter(query);
      const source = query.conversation_id
        ? (store.conversations.get(query.conversation_id)?.messages ?? [])
        : [...store.conversations.values()].flatMap((c) => c.messages);
      const found = source.filter((m) => matches(m, agentOf(m))).sort(byLogOrder);
      return query.limit === undefined ? found : found.slice(Math.max(0, found.length - query.limit));
    },

    async stats(query: Normalized<StatsQuery> & { group_by: StatsGroup }): Promise<Stats> {
      const tally = new StatsTally(query);
      for (const c of store.conversations.values()) {
        if (query.agent !== undefined && c.agent_name !== query.agent) continue;
        for (const m of c.messages) tally.add(m, c.agent_name);
      }
      return tally.result();
    },

    async commands(query: CommandQuery): Promise<CommandEntry[]> {
      return selectCommands(store.commands, query);
    },

    async reset(query) {
      return store.reset(query);
    },

    async *entries(query): AsyncIterable<Entry> {
      const types = query.types ? new Set(query.types) : undefined;
      const found = store.entries.filter((e) => (types === undefined || types.has(e.type)) && inWindow(e.timestamp, query));
      yield* found.sort(byLogOrder);
    },
  };
}
