import { and, asc, count, desc, eq, exists, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { MessageEntry } from '../../core/entries.js';
import { emptyTokenTotals } from '../../core/token-sums.js';
import type { Conversation, ConversationQuery, MessageQuery, Normalized, TokenTotals } from '../../core/queries.js';
import type { SqlBackend } from './dialect.js';
import { chunked, field, total } from './fragments.js';
import { messageEntry } from './rows.js';

// Ordering stops at (timestamp, seq), the columns of the indexes, so no sort step is needed;
// rows tied on both come in index order, which on SQLite is insertion order, as in memory.

/** The message filters of the conversation list (`query`, `model`), or undefined when none. */
function messageFilter({ dialect, searchReady }: SqlBackend, query: Normalized<ConversationQuery>): SQL | undefined {
  const m = dialect.tables.messages;
  return and(
    query.query === undefined ? undefined : dialect.containsText(m.content, query.query, searchReady),
    query.model === undefined ? undefined : eq(m.model, query.model),
    query.finish_reason === undefined ? undefined : eq(m.finish_reason, query.finish_reason),
  );
}

/** Passing messages of some conversations, in one query per chunk of ids, grouped by conversation. */
async function messagesOf(backend: SqlBackend, ids: string[], filter: SQL | undefined): Promise<Map<string, MessageEntry[]>> {
  const m = backend.dialect.tables.messages;
  const grouped = new Map<string, MessageEntry[]>();
  for (const chunk of chunked(ids)) {
    const rows = await backend.statements.rows('messages', {
      where: and(inArray(m.conversation_id, chunk), filter),
      orderBy: [asc(m.conversation_id), asc(m.timestamp), asc(m.seq)],
    });
    for (const row of rows) {
      const list = grouped.get(row.conversation_id) ?? [];
      list.push(messageEntry(row));
      grouped.set(row.conversation_id, list);
    }
  }
  return grouped;
}

/** Token totals of the passing messages of some conversations, summed by the database. */
async function tokensOf(backend: SqlBackend, ids: string[], filter: SQL | undefined): Promise<Map<string, TokenTotals>> {
  const m = backend.dialect.tables.messages;
  const totals = new Map<string, TokenTotals>();
  const sums = {
    id: field(m.conversation_id),
    total: total(m.total_tokens),
    prompt: total(m.prompt_tokens),
    completion: total(m.completion_tokens),
    cache_read: total(m.cache_read_tokens),
    cache_write: total(m.cache_write_tokens),
    reasoning: total(m.reasoning_tokens),
  };
  for (const chunk of chunked(ids)) {
    const where = and(inArray(m.conversation_id, chunk), filter);
    const rows = await backend.statements.fields(sums, 'messages', { where, groupBy: [field(m.conversation_id)] });
    for (const { id, ...tokens } of rows) if (id !== null) totals.set(id, tokens);
  }
  return totals;
}

/** At most this many messages passing a text filter make it rare (see `rareText`). */
const RARE_MESSAGES = 1_000;

/**
 * Whether the query's text filter is looked up in a search index and passes few messages. Then
 * the conversations are those of the passing messages (an IN list, a few index lookups);
 * otherwise they are walked newest first, each probed for a passing message (EXISTS), which
 * stops at the page's end: fast when many pass, a walk of every conversation when few do.
 */
async function rareText(backend: SqlBackend, query: Normalized<ConversationQuery>, filter: SQL | undefined): Promise<boolean> {
  if (filter === undefined || query.query === undefined || !backend.searchReady || !backend.dialect.search?.narrows(query.query)) return false;
  const probe = await backend.statements.fields({ one: sql`1` }, 'messages', { where: filter, limit: RARE_MESSAGES });
  return probe.length < RARE_MESSAGES;
}

/** The conversations a query selects: by agent and start time, and with a passing message when it filters them. */
async function conversationsWhere(backend: SqlBackend, query: Normalized<ConversationQuery>, filter: SQL | undefined): Promise<SQL | undefined> {
  const { conversations: c, messages: m } = backend.dialect.tables;
  const { statements } = backend;
  const passing = !filter
    ? undefined
    : (await rareText(backend, query, filter))
      ? inArray(c.conversation_id, statements.subquery({ id: field(m.conversation_id) }, 'messages', { where: filter }))
      : exists(statements.subquery({ one: sql`1` }, 'messages', { where: and(eq(m.conversation_id, c.conversation_id), filter) }));
  return and(
    query.agent === undefined ? undefined : eq(c.agent_name, query.agent),
    query.since === undefined ? undefined : gte(c.start_time, query.since),
    query.until === undefined ? undefined : lte(c.start_time, query.until),
    passing,
  );
}

/** How many conversations a query matches. */
export async function countConversations(backend: SqlBackend, query: Normalized<ConversationQuery>): Promise<number> {
  const where = await conversationsWhere(backend, query, messageFilter(backend, query));
  const [row] = await backend.statements.fields({ n: count() }, 'conversations', { where });
  return row?.n ?? 0;
}

/**
 * The conversation list: one query picks the page of conversations (newest first,
 * kept when a message passes the filters), one query per 500 of them fetches their messages.
 */
export async function readConversations(backend: SqlBackend, query: Normalized<ConversationQuery>): Promise<Conversation[]> {
  const c = backend.dialect.tables.conversations;
  const filter = messageFilter(backend, query);
  const where = await conversationsWhere(backend, query, filter);
  // Ties of start time by the store's order of the entries that started them (none for rows
  // written before it was kept: as 0), then by id.
  const orderBy = [desc(c.start_time), desc(sql`coalesce(${c.seq}, 0)`), desc(c.conversation_id)];
  const page = await backend.statements.rows('conversations', { where, orderBy, limit: query.limit, offset: query.offset });
  const ids = page.map((row) => row.conversation_id);
  const messages = await messagesOf(backend, ids, filter);
  const tokens = query.tokens ? await tokensOf(backend, ids, filter) : undefined;
  return page.map((row) => {
    const listed = messages.get(row.conversation_id) ?? [];
    const conversation: Conversation = {
      conversation_id: row.conversation_id,
      agent_name: row.agent_name,
      start_time: row.start_time,
      messages: query.compact && listed.length > 2 ? [listed[0]!, listed[listed.length - 1]!] : listed,
    };
    if (tokens) conversation.token_usage = tokens.get(row.conversation_id) ?? emptyTokenTotals();
    return conversation;
  });
}

/** Messages of the given agents' conversations, and with `include_forwarded` those forwarded from them. */
function agentFilter(backend: SqlBackend, query: Normalized<MessageQuery>): SQL | undefined {
  if (query.agents === undefined) return undefined;
  const m = backend.dialect.tables.messages;
  const ofAgents = inArray(m.agent_name, query.agents);
  if (!query.include_forwarded || query.agents.length === 0) return ofAgents;
  return sql`(${ofAgents} OR ${backend.dialect.jsonArrayHasAny(m.forwarded_from, query.agents)})`;
}

/** The message list: chronological, the newest `limit` when a limit is given. */
export async function readMessages(backend: SqlBackend, query: Normalized<MessageQuery>): Promise<MessageEntry[]> {
  const m = backend.dialect.tables.messages;
  const where = and(
    query.conversation_id === undefined ? undefined : eq(m.conversation_id, query.conversation_id),
    agentFilter(backend, query),
    query.roles === undefined ? undefined : inArray(m.role, query.roles),
    query.since === undefined ? undefined : gte(m.timestamp, query.since),
    query.until === undefined ? undefined : lte(m.timestamp, query.until),
    query.contains === undefined ? undefined : backend.dialect.containsText(m.content, query.contains, backend.searchReady),
    query.finish_reason === undefined ? undefined : eq(m.finish_reason, query.finish_reason),
  );
  if (query.limit === undefined) {
    const rows = await backend.statements.rows('messages', { where, orderBy: [asc(m.timestamp), asc(m.seq)] });
    return rows.map(messageEntry);
  }
  const newest = await backend.statements.rows('messages', { where, orderBy: [desc(m.timestamp), desc(m.seq)], limit: query.limit });
  return newest.reverse().map(messageEntry);
}
