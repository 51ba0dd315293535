import type { CommandEntry, Entry, MessageEntry } from '../entries/schema.js';
import { QueryError } from '../errors.js';
import { normalizeTimes } from './time.js';
import type {
  CommandQuery,
  Conversation,
  ConversationQuery,
  EntryQuery,
  HistoryReader,
  MessageQuery,
  ResetQuery,
  ResetResult,
  Stats,
  StatsQuery,
} from './types.js';

const GROUPS = ['agent', 'model', 'hour', 'day'] as const;

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new QueryError(`invalid limit ${limit}: expected a whole number ≥ 0`);
  }
}

/**
 * Reads history from one provider (SPEC §5). Accepts durations, ISO strings and Dates for
 * `since` / `until`; every provider returns the same answers for the same stored entries.
 */
export class History {
  constructor(
    /** The label of the provider being read. */
    readonly provider: string,
    private readonly reader: HistoryReader,
  ) {}

  /** Conversations, newest first, each with its passing messages in order. */
  conversations(query: ConversationQuery = {}): Promise<Conversation[]> {
    checkLimit(query.limit);
    return this.reader.conversations(normalizeTimes(query));
  }

  /** Messages in chronological order (the newest `limit` when a limit is given). */
  messages(query: MessageQuery = {}): Promise<MessageEntry[]> {
    checkLimit(query.limit);
    return this.reader.messages(normalizeTimes(query));
  }

  /** Message count, tokens, cost and models per agent, model, hour or day. */
  stats(query: StatsQuery = {}): Promise<Stats> {
    const group_by = query.group_by ?? 'agent';
    if (!GROUPS.includes(group_by)) throw new QueryError(`invalid group_by "${group_by}": expected ${GROUPS.join(', ')}`);
    return this.reader.stats({ ...normalizeTimes(query), group_by });
  }

  /** Commands, newest first. */
  commands(query: CommandQuery = {}): Promise<CommandEntry[]> {
    checkLimit(query.limit);
    return this.reader.commands(query);
  }

  /** Deletes all history, or one agent's; returns the counts deleted. */
  reset(query: ResetQuery = {}): Promise<ResetResult> {
    return this.reader.reset(query);
  }

  /** Every stored entry in logging order, optionally filtered by type and time. */
  entries(query: EntryQuery = {}): AsyncIterable<Entry> {
    return this.reader.entries(normalizeTimes(query));
  }
}
