import type { CommandEntry, Entry, EntryType, MessageEntry } from './entries.js';

/**
 * A point in time as callers may give it: a `Date`, an ISO date-time, or a duration back from
 * now (`30m`, `1h`, `2d`, `1w`, `1d12h`). Providers only ever see ISO strings.
 */
export type TimeInput = Date | string;

/** Filters of the conversation list. */
export interface ConversationQuery {
  /** The conversation's agent. */
  agent?: string;
  /** Lower bound (inclusive) of the conversation's start time. */
  since?: TimeInput;
  /** Upper bound (inclusive) of the conversation's start time. */
  until?: TimeInput;
  /** Keep messages whose content contains this substring (case-insensitive). */
  query?: string;
  /** Keep messages of this model. */
  model?: string;
  /** Keep messages that stopped for this reason (their `finish_reason`: `length`, `max_tokens`…). */
  finish_reason?: string;
  /** Newest conversations first, at most this many. */
  limit?: number;
  /** Skip this many first. */
  offset?: number;
  /** List only the first and last passing message of each conversation. */
  compact?: boolean;
  /** Add token totals (over the passing messages) to each conversation. */
  tokens?: boolean;
}

/** Token totals of a conversation (messages without a count add zero). */
export interface TokenTotals {
  total: number;
  prompt: number;
  completion: number;
  cache_read: number;
  cache_write: number;
  reasoning: number;
}

/** One conversation with its (passing) messages in order. */
export interface Conversation {
  conversation_id: string;
  agent_name: string | null;
  start_time: string;
  messages: MessageEntry[];
  token_usage?: TokenTotals;
}

/** Whether a conversation query keeps only some messages (by text, model or finish reason). */
export function filtersMessages(query: Pick<ConversationQuery, 'query' | 'model' | 'finish_reason'>): boolean {
  return query.query !== undefined || query.model !== undefined || query.finish_reason !== undefined;
}

/** Filters of the message list. */
export interface MessageQuery {
  conversation_id?: string;
  /** Messages whose conversation's agent is one of these. */
  agents?: string[];
  /** With `agents`: also messages forwarded from one of them (`forwarded_from`). */
  include_forwarded?: boolean;
  roles?: string[];
  since?: TimeInput;
  until?: TimeInput;
  /** Substring of the content (case-insensitive). */
  contains?: string;
  /** Messages that stopped for this reason (`finish_reason`). */
  finish_reason?: string;
  /** The newest this many, returned in chronological order. */
  limit?: number;
}

/** How stats are grouped. */
export type StatsGroup = 'agent' | 'model' | 'hour' | 'day';

/** Options of the stats query. */
export interface StatsQuery {
  group_by?: StatsGroup;
  since?: TimeInput;
  until?: TimeInput;
  agent?: string;
}

/** One group of the stats: `key` is null for messages without an agent or model. */
export interface StatsGroupRow {
  key: string | null;
  messages: number;
  total_tokens: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** Prompt tokens read from / written to the provider's prompt cache, and reasoning tokens (part of completion). */
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost: number;
  models: string[];
  /** LLM calls of the run log (docs/runs.md) in this group; present when the provider stores run logs. */
  llm_calls?: number;
  /** Their token totals. */
  llm_tokens?: RunTokenUsage;
  /** Their cost in USD (runtime-given, else priced from `storage.pricing`). */
  llm_cost?: number;
}

/** Stats over a time window. Hour keys look like `2026-11-23T14:00Z`, day keys `2026-11-23`. */
export interface Stats {
  group_by: StatsGroup;
  since: string | null;
  until: string | null;
  groups: StatsGroupRow[];
}

/** Filters of the command list: newest first. */
export interface CommandQuery {
  agent?: string;
  session?: string;
  limit?: number;
  /** Skip this many first. */
  offset?: number;
}

/** What to delete: everything, or one agent's history (its run-log facts included). */
export interface ResetQuery {
  agent?: string;
  /** sql: drop the tables instead of deleting rows. */
  hard?: boolean;
}

/** How many entries of each kind a reset deleted. */
export type ResetResult = Record<'conversations' | 'messages' | 'tool_calls' | 'commands' | 'context' | 'run_events', number>;

/** Filters of the raw entry stream, in logging order (timestamp, then seq). */
export interface EntryQuery {
  types?: EntryType[];
  since?: TimeInput;
  until?: TimeInput;
  /** Only this agent's entries: those of its conversations, its commands and its run-log facts. */
  agent?: string;
  /** Only this session's entries: its commands and run-log facts (the entries that carry a session). */
  session?: string;
  /** Only the entries of these conversations (their starts, messages, tool calls and context). */
  conversations?: string[];
}

/** The filters of an entry query that pick entries by what they belong to. */
type EntryScope = Pick<EntryQuery, 'agent' | 'session' | 'conversations'>;

/** Whether a query picks entries by agent, session or conversation. */
export function isScoped(query: EntryScope): boolean {
  return query.agent !== undefined || query.session !== undefined || query.conversations !== undefined;
}

/** Whether an entry outside conversations (a command, a run-log fact) passes a query's scope. */
export function ownEntryPasses(entry: Entry, query: EntryScope): boolean {
  if (query.conversations !== undefined) return false;
  const owner = entry as { agent_name?: string; session_id?: string };
  return (query.agent === undefined || owner.agent_name === query.agent) && (query.session === undefined || owner.session_id === query.session);
}

/**
 * Whether the entries of a conversation (its id, its agent) pass a query's scope; `ids` is the
 * query's `conversations` as a set. They carry no session, so a session filter drops them.
 */
export function conversationPasses(id: string, agent: string | null, query: EntryScope, ids?: ReadonlySet<string>): boolean {
  if (query.session !== undefined || (query.agent !== undefined && agent !== query.agent)) return false;
  return ids === undefined || ids.has(id);
}

/** The queries with their time inputs normalised to ISO strings: what providers receive. */
export type Normalized<Q> = {
  [K in keyof Q]: K extends 'since' | 'until' ? string | undefined : Q[K];
};

/** The read side of a provider (sql, file, memory). Every implementation gives the same answers. */
export interface HistoryReader {
  conversations(query: Normalized<ConversationQuery>): Promise<Conversation[]>;
  messages(query: Normalized<MessageQuery>): Promise<MessageEntry[]>;
  stats(query: Normalized<StatsQuery> & { group_by: StatsGroup }): Promise<Stats>;
  /** How many conversations the query matches in all, before `offset` and `limit`. */
  countConversations(query: Normalized<ConversationQuery>): Promise<number>;
  commands(query: CommandQuery): Promise<CommandEntry[]>;
  /** How many commands the query matches in all, before `offset` and `limit`. */
  countCommands(query: CommandQuery): Promise<number>;
  reset(query: ResetQuery): Promise<ResetResult>;
  /** Every stored entry matching the query, in logging order. */
  entries(query: Normalized<EntryQuery>): AsyncIterable<Entry>;
  /**
   * Follows what other processes write while this reader is open (a database, a JSON Lines
   * file). Absent when the reader answers from what it read when it opened (a document):
   * following it means opening it again.
   */
  readonly feed?: EntryFeed;
}

/**
 * Follows a history as it is written, by a position that only grows: each look for new entries
 * is an indexed range of what was stored after the position (a rowid, a line of the file),
 * never a time window, so an entry stored late with an older timestamp is not missed.
 * Positions are opaque: only the feed that made one reads it.
 */
export interface EntryFeed {
  /** The position after every entry stored now. */
  end(): Promise<unknown>;
  /** The entries of a query stored at or before `to`, in logging order. */
  upTo(query: Normalized<EntryQuery>, to: unknown): AsyncIterable<Entry>;
  /**
   * Entries stored after `from`, in logging order among themselves (at most a page of each
   * table, so a burst is read in several calls), and the position after them. No entries: none
   * are new.
   */
  after(from: unknown): Promise<{ entries: Entry[]; position: unknown }>;
}

/** Token totals of a run's LLM calls. */
export interface RunTokenUsage {
  total: number;
  prompt: number;
  completion: number;
  cache_read: number;
  cache_write: number;
}
