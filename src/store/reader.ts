import type { CommandEntry, CostInfo, Entry, MessageEntry } from '../core/entries.js';
import type { ConversationHead } from '../core/conversations.js';
import { byLogOrder, type EntryStore, type StoredConversation } from './store.js';
import { MESSAGE, RowWindow, type EntryRows } from './rows.js';
import type {
  CommandQuery,
  Conversation,
  ConversationQuery,
  EntryQuery,
  HistoryReader,
  MessageQuery,
  Normalized,
  Stats,
  StatsGroup,
  StatsGroupRow,
  StatsQuery,
  TokenTotals,
} from '../core/queries.js';
import { conversationPasses, filtersMessages, isScoped, ownEntryPasses } from '../core/queries.js';
import { addTokens, addToStats, emptyStatsRow, emptyTokenTotals } from '../core/token-sums.js';

type Window = { since?: string | undefined; until?: string | undefined };

/** Whether a timestamp lies in a query's window (both ends included). */
export function inWindow(timestamp: string, { since, until }: Window): boolean {
  return (since === undefined || timestamp >= since) && (until === undefined || timestamp <= until);
}

/** Whether a row's text contains a (lower-cased) needle, case-insensitively. */
function containsText(rows: EntryRows, row: number, needle: string | undefined): boolean {
  return needle === undefined || rows.text(row).toLowerCase().includes(needle);
}

/**
 * Newest first by start time; ties broken by the store's order of the entries that started
 * them, then by conversation id, as the sql provider does.
 */
export function newestFirst(a: ConversationHead, b: ConversationHead): number {
  if (a.start_time !== b.start_time) return a.start_time < b.start_time ? 1 : -1;
  const seqs = (b.start_seq ?? 0) - (a.start_seq ?? 0);
  if (seqs !== 0) return seqs;
  return a.conversation_id < b.conversation_id ? 1 : a.conversation_id > b.conversation_id ? -1 : 0;
}

/** The message rows of a conversation, in the order added. */
function messageRows(rows: EntryRows, conversation: StoredConversation, keep: (row: number) => boolean, into: number[] = []): number[] {
  for (let row = conversation.first; row >= 0; row = rows.next(row)) if (rows.kind(row) === MESSAGE && keep(row)) into.push(row);
  return into;
}

const costOf = (rows: EntryRows, row: number) => rows.field(row, 'cost_info') as CostInfo | undefined;

/** Token totals of some message rows (messages without usage count zero). */
function tokenTotals(rows: EntryRows, messages: readonly number[]): TokenTotals {
  const totals = emptyTokenTotals();
  for (const row of messages) addTokens(totals, costOf(rows, row)?.token_usage);
  return totals;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The stats key of a message row under a grouping (hour `2026-11-23T14:00Z`, day `2026-11-23`);
 * keys of time groups are made once per hour or day in a run of rows.
 */
function statsKeys(rows: EntryRows, group: StatsGroup): (row: number, agent: string | null) => string | null {
  const { values } = rows.strings;
  switch (group) {
    case 'agent':
      return (_row, agent) => agent;
    case 'model':
      return (row) => {
        const model = rows.sym(row, 2);
        return model < 0 ? null : values[model]!;
      };
    case 'hour':
    case 'day': {
      const [size, keyOf] = group === 'hour' ? [HOUR_MS, (t: string) => `${t.slice(0, 13)}:00Z`] : [DAY_MS, (t: string) => t.slice(0, 10)];
      let bucket = Number.NaN;
      let key = '';
      return (row) => {
        const ms = rows.ms(row);
        if (ms !== ms) return keyOf(rows.timestamp(row));
        const at = Math.floor(ms / size);
        if (at !== bucket) {
          bucket = at;
          key = keyOf(rows.timestamp(row));
        }
        return key;
      };
    }
  }
}

/** Sorts stats groups by key, the null key last. */
export function byStatsKey(a: StatsGroupRow, b: StatsGroupRow): number {
  if (a.key === b.key) return 0;
  if (a.key === null) return 1;
  if (b.key === null) return -1;
  return a.key < b.key ? -1 : 1;
}

function contains(content: string, needle: string | undefined): boolean {
  return needle === undefined || content.toLowerCase().includes(needle.toLowerCase());
}

/** The stats key of a decoded message under a grouping (hour `2026-11-23T14:00Z`, day `2026-11-23`). */
function statsKey(group: StatsGroup, message: MessageEntry, agent: string | null): string | null {
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

/** The filter of a messages query but its conversation and limit: window, text, roles, agents. */
export function messageFilter(query: Normalized<MessageQuery>): (message: MessageEntry, agent: string | null) => boolean {
  const agents = query.agents ? new Set(query.agents) : undefined;
  const roles = query.roles ? new Set(query.roles) : undefined;
  return (m, agent) =>
    inWindow(m.timestamp, query) &&
    contains(m.content, query.contains) &&
    (query.finish_reason === undefined || m.finish_reason === query.finish_reason) &&
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
    if (!row) this.groups.set(key, (row = { ...emptyStatsRow(key), seen: new Set() }));
    row.messages += 1;
    addToStats(row, m.cost_info);
    if (m.model !== undefined) row.seen.add(m.model);
  }

  result(): Stats {
    const { group_by, since, until } = this.query;
    const rows = [...this.groups.values()].map(({ seen, ...row }) => ({ ...row, models: [...seen].sort() }));
    return { group_by, since: since ?? null, until: until ?? null, groups: rows.sort(byStatsKey) };
  }
}

/** Whether a command is one the query asks for. */
export function commandFilter(query: CommandQuery): (command: CommandEntry) => boolean {
  return (c) => (query.agent === undefined || c.agent_name === query.agent) && (query.session === undefined || c.session_id === query.session);
}

/** The items from `offset`, at most `limit` of them. */
export function pageOf<T>(items: T[], query: { offset?: number | undefined; limit?: number | undefined }): T[] {
  const from = query.offset ?? 0;
  return items.slice(from, query.limit === undefined ? undefined : from + query.limit);
}

/** The commands a query asks for, newest first, from `offset`, at most `limit`. */
export function selectCommands(commands: readonly CommandEntry[], query: CommandQuery): CommandEntry[] {
  return pageOf(commands.filter(commandFilter(query)).sort((a, b) => byLogOrder(b, a)), query);
}

/**
 * The test of a row against an entry query's agent, session and conversations: rows of a
 * conversation by the conversation; the others (commands, run-log facts) pass here and are
 * tested once decoded.
 */
function scopeTest(store: EntryStore, query: Normalized<EntryQuery>): (row: number) => boolean {
  if (!isScoped(query)) return () => true;
  const rows = store.rows;
  const ids = query.conversations && new Set(query.conversations);
  return (row) => {
    const slot = rows.slot(row);
    if (slot < 0) return query.conversations === undefined;
    const c = store.conversationAt(slot);
    return c !== undefined && conversationPasses(c.conversation_id, c.agent_name, query, ids);
  };
}

/** Answers the history queries from an `EntryStore`, in JavaScript, over its rows. */
export function storeReader(store: EntryStore): HistoryReader {
  const order = (rows: EntryRows) => (a: number, b: number) => rows.compare(a, b);
  /** The rows of the commands a query selects, newest first. */
  const commandRows = (query: CommandQuery): number[] => {
    const rows = store.rows;
    const agent = query.agent === undefined ? undefined : rows.strings.find(query.agent);
    const session = query.session === undefined ? undefined : rows.strings.find(query.session);
    return store.commandRows
      .filter((row) => (agent === undefined || rows.sym(row, 0) === agent) && (session === undefined || rows.sym(row, 1) === session))
      .sort((a, b) => rows.compare(b, a));
  };
  /** The conversations the query's agent and start window select, newest first. */
  const candidates = (query: Normalized<ConversationQuery>) =>
    [...store.conversations.values()].filter((c) => (query.agent === undefined || c.agent_name === query.agent) && inWindow(c.start_time, query)).sort(newestFirst);
  /** The message test of the query's text, model and finish reason filters; undefined when it has none. */
  const conversationTest = (query: Normalized<ConversationQuery>): ((row: number) => boolean) | undefined => {
    if (!filtersMessages(query)) return undefined;
    const rows = store.rows;
    const needle = query.query?.toLowerCase();
    const model = query.model === undefined ? undefined : rows.strings.find(query.model);
    const reason = query.finish_reason;
    return (row) =>
      containsText(rows, row, needle) && (model === undefined || rows.sym(row, 2) === model) && (reason === undefined || rows.field(row, 'finish_reason') === reason);
  };

  return {
    async conversations(query: Normalized<ConversationQuery>): Promise<Conversation[]> {
      const rows = store.rows;
      const filtering = filtersMessages(query);
      const passes = conversationTest(query) ?? (() => true);
      const result: Conversation[] = [];
      let skip = query.offset ?? 0;
      for (const c of candidates(query)) {
        if (query.limit !== undefined && result.length >= query.limit) break;
        const passing = messageRows(rows, c, passes).sort(order(rows));
        if (filtering && passing.length === 0) continue;
        if (skip > 0) {
          skip -= 1;
          continue;
        }
        const listed = query.compact && passing.length > 2 ? [passing[0]!, passing[passing.length - 1]!] : passing;
        const conversation: Conversation = {
          conversation_id: c.conversation_id,
          agent_name: c.agent_name,
          start_time: c.start_time,
          messages: listed.map((row) => rows.decode(row) as MessageEntry),
        };
        if (query.tokens) conversation.token_usage = tokenTotals(rows, passing);
        result.push(conversation);
      }
      return result;
    },

    async countConversations(query) {
      const passes = conversationTest(query);
      return candidates(query).filter((c) => passes === undefined || messageRows(store.rows, c, passes).length > 0).length;
    },

    async messages(query: Normalized<MessageQuery>): Promise<MessageEntry[]> {
      const rows = store.rows;
      const agents = query.agents ? new Set(query.agents) : undefined;
      const roles = query.roles ? new Set(query.roles.map((role) => rows.strings.find(role))) : undefined;
      const needle = query.contains?.toLowerCase();
      const window = new RowWindow(rows, query.since, query.until);
      const forwardedFrom = (row: number) => (rows.field(row, 'forwarded_from') as string[] | undefined) ?? [];
      const passes = (row: number, c: StoredConversation) => {
        if (!window.has(row) || !containsText(rows, row, needle) || (roles !== undefined && !roles.has(rows.sym(row, 0)))) return false;
        if (query.finish_reason !== undefined && rows.field(row, 'finish_reason') !== query.finish_reason) return false;
        if (agents === undefined || agents.has(c.agent_name ?? '\u0000')) return true;
        return query.include_forwarded === true && forwardedFrom(row).some((a) => agents.has(a));
      };
      const found: number[] = [];
      if (query.conversation_id !== undefined) {
        const c = store.conversations.get(query.conversation_id);
        if (c) messageRows(rows, c, (row) => passes(row, c), found);
      } else {
        rows.scan(MESSAGE, (row) => {
          if (passes(row, store.conversationAt(rows.slot(row))!)) found.push(row);
        });
      }
      found.sort(order(rows));
      const listed = query.limit === undefined ? found : found.slice(Math.max(0, found.length - query.limit));
      return listed.map((row) => rows.decode(row) as MessageEntry);
    },

    async stats(query: Normalized<StatsQuery> & { group_by: StatsGroup }): Promise<Stats> {
      const rows = store.rows;
      const window = new RowWindow(rows, query.since, query.until);
      const keyOf = statsKeys(rows, query.group_by);
      const groups = new Map<string | null, StatsGroupRow & { seen: Set<number> }>();
      // In row order, not conversation by conversation: a sequential scan stays linear at any size.
      rows.scan(MESSAGE, (row) => {
        const c = store.conversationAt(rows.slot(row))!;
        if ((query.agent !== undefined && c.agent_name !== query.agent) || !window.has(row)) return;
        const key = keyOf(row, c.agent_name);
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { ...emptyStatsRow(key), seen: new Set() }));
        group.messages += 1;
        addToStats(group, costOf(rows, row));
        const model = rows.sym(row, 2);
        if (model >= 0) group.seen.add(model);
      });
      const { values } = rows.strings;
      const found = [...groups.values()].map(({ seen, ...group }) => ({ ...group, models: [...seen].map((code) => values[code]!).sort() }));
      return { group_by: query.group_by, since: query.since ?? null, until: query.until ?? null, groups: found.sort(byStatsKey) };
    },

    async commands(query: CommandQuery): Promise<CommandEntry[]> {
      return pageOf(commandRows(query), query).map((row) => store.rows.decode(row) as CommandEntry);
    },

    async countCommands(query) {
      return commandRows(query).length;
    },

    async reset(query) {
      return store.reset(query);
    },

    async *entries(query): AsyncIterable<Entry> {
      const rows = store.rows;
      const types = query.types ? new Set<string>(query.types) : undefined;
      const window = new RowWindow(rows, query.since, query.until);
      const inScope = scopeTest(store, query);
      const found: number[] = [];
      for (let row = 0; row < rows.count; row++) {
        if (!rows.dead(row) && (types === undefined || types.has(rows.type(row))) && window.has(row) && inScope(row)) found.push(row);
      }
      found.sort(order(rows));
      // Decoded one at a time: reading a large store keeps one entry alive, not all of them.
      for (const row of found) {
        const entry = rows.decode(row);
        if (rows.slot(row) >= 0 || ownEntryPasses(entry, query)) yield entry;
      }
    },
  };
}
