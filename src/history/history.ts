import type { Pricing } from '../core/config-schema.js';
import type { CommandEntry, Entry, MessageEntry, RunFact } from '../core/entries.js';
import { HistorianError, QueryError } from '../core/errors.js';
import { readLlmCalls, withLlmCalls } from '../runs/stats.js';
import { RUN_STATUSES, type Page, type RunQuery, type RunReader, type RunStatus, type RunView, type StepQuery, type Trace, type TraceQuery } from '../core/run-queries.js';
import { counted, envelope, pageRuns, pageSteps, pageTraces, type Listed } from '../runs/pages.js';
import { factOrder, runView, traceOf } from '../runs/views.js';
import { normalizeTimes } from '../core/time.js';
import { isScoped, ownEntryPasses } from '../core/queries.js';
import type {
  CommandQuery,
  Conversation,
  ConversationQuery,
  EntryFeed,
  EntryQuery,
  HistoryReader,
  MessageQuery,
  ResetQuery,
  ResetResult,
  Stats,
  StatsQuery,
} from '../core/queries.js';

/**
 * An `EntryFeed` whose queries take durations, ISO strings and Dates, as `History.entries` does,
 * and whose `after` keeps only the entries of a query's agent, session and conversations.
 */
export interface HistoryFeed extends Omit<EntryFeed, 'upTo' | 'after'> {
  upTo(query: EntryQuery, to: unknown): AsyncIterable<Entry>;
  after(from: unknown, scope?: Pick<EntryQuery, 'agent' | 'session' | 'conversations'>): Promise<{ entries: Entry[]; position: unknown }>;
}

const GROUPS = ['agent', 'model', 'hour', 'day'] as const;

function checkLimit(limit: number | undefined, option = 'limit'): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new QueryError(`invalid ${option} ${limit}: expected a whole number ≥ 0`);
  }
}

function checkPage(query: { limit?: number | undefined; offset?: number | undefined }): void {
  checkLimit(query.limit);
  checkLimit(query.offset, 'offset');
}

function checkStatus(status: RunStatus | undefined): void {
  if (status !== undefined && !RUN_STATUSES.includes(status)) throw new QueryError(`invalid status "${status}": expected ${RUN_STATUSES.join(', ')}`);
}

/**
 * Reads history from one provider. Accepts durations, ISO strings and Dates for
 * `since` / `until`; every provider returns the same answers for the same stored entries.
 */
export class History {
  constructor(
    /** The label of the provider being read. */
    readonly provider: string,
    private readonly reader: HistoryReader,
    /** The provider's run log; run queries fail without one. */
    private readonly runLog?: RunReader,
    /** `storage.pricing`, for LLM calls whose runtime gave no cost. */
    private readonly pricing?: Pricing,
  ) {}

  /** Whether the provider stores a run log (run, trace and step queries need one). */
  get storesRuns(): boolean {
    return this.runLog !== undefined;
  }

  /**
   * Follows entries as other processes write them (a database, a JSON Lines file): the position
   * after what is stored now, the entries of a query up to a position, and what came after one.
   * Undefined for a provider that answers from what it read when opened (a document): reopen it.
   */
  get feed(): HistoryFeed | undefined {
    const feed = this.reader.feed;
    if (!feed) return undefined;
    return {
      end: () => feed.end(),
      upTo: (query, to) => feed.upTo(normalizeTimes(query), to),
      after: async (from, scope = {}) => {
        const next = await feed.after(from);
        return { position: next.position, entries: await this.inScope(next.entries, scope) };
      },
    };
  }

  /**
   * The entries of a query's agent, session and conversations among `entries`. Commands and
   * run-log facts say whose they are; an entry of a conversation is kept when the reader finds
   * it among that scope's entries of the same conversations and time span (one read per call).
   */
  private async inScope(entries: Entry[], scope: Pick<EntryQuery, 'agent' | 'session' | 'conversations'>): Promise<Entry[]> {
    if (!isScoped(scope) || entries.length === 0) return entries;
    const key = (entry: Entry) => `${entry.type}\u0000${entry.id}`;
    const inConversations = entries.filter((entry) => 'conversation_id' in entry);
    const kept = new Set<string>();
    if (inConversations.length > 0 && scope.session === undefined) {
      const wanted = scope.conversations && new Set(scope.conversations);
      const ids = [...new Set(inConversations.map((entry) => (entry as { conversation_id: string }).conversation_id))].filter((id) => !wanted || wanted.has(id));
      const times = inConversations.map((entry) => entry.timestamp).sort();
      const query = { agent: scope.agent, conversations: ids, since: times[0], until: times[times.length - 1] };
      for await (const entry of this.reader.entries(query)) kept.add(key(entry));
    }
    return entries.filter((entry) => ('conversation_id' in entry ? kept.has(key(entry)) : ownEntryPasses(entry, scope)));
  }

  /** Conversations, newest first, each with its passing messages in order. */
  conversations(query: ConversationQuery = {}): Promise<Conversation[]> {
    checkPage(query);
    return this.reader.conversations(normalizeTimes(query));
  }

  /** `conversations` as one page: the conversations, how many match in all, and whether more follow. */
  async conversationsPage(query: ConversationQuery = {}): Promise<Page<Conversation>> {
    checkPage(query);
    const normalized = normalizeTimes(query);
    const [items, total] = await Promise.all([this.reader.conversations(normalized), this.reader.countConversations(normalized)]);
    return envelope(items, total, query.offset);
  }

  /** Messages in chronological order (the newest `limit` when a limit is given). */
  messages(query: MessageQuery = {}): Promise<MessageEntry[]> {
    checkLimit(query.limit);
    return this.reader.messages(normalizeTimes(query));
  }

  /** Message count, tokens, cost and models per agent, model, hour or day, plus the run log's LLM calls. */
  async stats(query: StatsQuery = {}): Promise<Stats> {
    const group_by = query.group_by ?? 'agent';
    if (!GROUPS.includes(group_by)) throw new QueryError(`invalid group_by "${group_by}": expected ${GROUPS.join(', ')}`);
    const normalized = normalizeTimes(query);
    const stats = await this.reader.stats({ ...normalized, group_by });
    if (!this.runLog) return stats;
    const { since, until, agent } = normalized;
    const calls = await readLlmCalls(this.runLog, { group_by, since, until, agent });
    return withLlmCalls(stats, calls, this.pricing);
  }

  /** One run rebuilt from its facts (docs/runs.md), or null when none is stored. */
  async run(runId: string): Promise<RunView | null> {
    return runView(await this.facts().facts({ run_id: runId }), runId, this.pricing);
  }

  /** One run's trace (the run with its LLM and tool call spans), or null when none is stored. */
  async trace(runId: string): Promise<Trace | null> {
    const facts = await this.facts().facts({ run_id: runId });
    const view = runView(facts, runId, this.pricing);
    return view && traceOf([...facts].sort(factOrder), view, this.pricing);
  }

  /** Runs, newest first by start, filtered by session, agent, status and start time. */
  async runs(query: RunQuery = {}): Promise<RunView[]> {
    return (await this.listRuns(query, false)).items;
  }

  /** `runs` as one page: the runs, how many match in all, and whether more follow. */
  async runsPage(query: RunQuery = {}): Promise<Page<RunView>> {
    return counted(await this.listRuns(query, true), query.offset);
  }

  private listRuns(query: RunQuery, count: boolean): Promise<Listed<RunView>> {
    checkPage(query);
    checkStatus(query.status);
    return pageRuns(this.facts(), normalizeTimes(query), this.pricing, count);
  }

  /** The steps of a session or run in sequence order, without rolled-back facts. */
  async steps(query: StepQuery): Promise<RunFact[]> {
    return (await this.stepsPage(query)).items;
  }

  /** `steps` as one page. */
  stepsPage(query: StepQuery): Promise<Page<RunFact>> {
    if (query.session === undefined && query.run === undefined) throw new QueryError('steps need a session or a run');
    checkPage(query);
    return pageSteps(this.facts(), query);
  }

  /** A trace per run (LLM and tool call spans), newest first, by agent, session, start time, status and duration. */
  async traces(query: TraceQuery = {}): Promise<Trace[]> {
    return (await this.listTraces(query, false)).items;
  }

  /** `traces` as one page. */
  async tracesPage(query: TraceQuery = {}): Promise<Page<Trace>> {
    return counted(await this.listTraces(query, true), query.offset);
  }

  private listTraces(query: TraceQuery, count: boolean): Promise<Listed<Trace>> {
    checkPage(query);
    checkStatus(query.status);
    if (query.min_duration_ms !== undefined && !(query.min_duration_ms >= 0)) throw new QueryError(`invalid min_duration_ms ${query.min_duration_ms}`);
    return pageTraces(this.facts(), normalizeTimes(query), this.pricing, count);
  }

  private facts(): RunReader {
    if (!this.runLog) throw new HistorianError(`provider "${this.provider}" does not store run logs`);
    return this.runLog;
  }

  /** Commands, newest first. */
  commands(query: CommandQuery = {}): Promise<CommandEntry[]> {
    checkPage(query);
    return this.reader.commands(query);
  }

  /** `commands` as one page. */
  async commandsPage(query: CommandQuery = {}): Promise<Page<CommandEntry>> {
    checkPage(query);
    const [items, total] = await Promise.all([this.reader.commands(query), this.reader.countCommands(query)]);
    return envelope(items, total, query.offset);
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
