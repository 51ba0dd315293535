import { and, asc, eq, gte, inArray, lte, type AnyColumn, type SQL } from 'drizzle-orm';
import { RUN_FACT_TYPES, type Entry, type EntryType, type RunFactType } from '../../core/entries.js';
import { byLogOrder } from '../../store/store.js';
import type { EntryQuery, Normalized } from '../../core/queries.js';
import type { SqlBackend } from './dialect.js';
import { chunked, field } from './fragments.js';
import { commandEntry, contextEntry, conversationStartEntry, messageEntry, toolCallEntry } from './rows.js';
import { runFactOf } from './run-events.js';

// Rows fetched per page of one table while streaming: memory stays flat for any history size.
export const PAGE_SIZE = 1_000;

/** Where a stream stopped: the (timestamp, seq, id) of the last entry it read. */
export type Cursor = readonly [string, number, string];

/** The tables entries are read from; every run-log fact kind lives in `runEvents`. */
export type EntryTable = 'conversations' | 'messages' | 'toolCalls' | 'commands' | 'context' | 'runEvents';

/** A table of entries, or the part of one that holds one entry type. */
export interface Source {
  table: EntryTable;
  /** The columns ordering the stream: timestamp, seq, id. */
  order: readonly [AnyColumn, AnyColumn, AnyColumn];
  /** Extra condition on the table's rows (e.g. only explicitly started conversations). */
  where?: SQL;
  /** Up to `limit` entries (default a page). */
  page(where: SQL | undefined, order: SQL[], limit?: number): Promise<Entry[]>;
}

/** Each table as a source of entries (the whole run log in one). */
export function tableSources({ dialect, statements: s }: SqlBackend): Record<EntryTable, Source> {
  const t = dialect.tables;
  const page = (where: SQL | undefined, orderBy: SQL[], limit = PAGE_SIZE) => ({ where, orderBy, limit });
  return {
    runEvents: {
      table: 'runEvents',
      order: [t.runEvents.timestamp, t.runEvents.seq, t.runEvents.id],
      page: async (where, orderBy, limit) => (await s.rows('runEvents', page(where, orderBy, limit))).map(runFactOf),
    },
    conversations: {
      table: 'conversations',
      order: [t.conversations.start_time, t.conversations.seq, t.conversations.conversation_id],
      where: eq(t.conversations.started, true),
      page: async (where, orderBy, limit) => (await s.rows('conversations', page(where, orderBy, limit))).map(conversationStartEntry),
    },
    messages: {
      table: 'messages',
      order: [t.messages.timestamp, t.messages.seq, t.messages.id],
      page: async (where, orderBy, limit) => (await s.rows('messages', page(where, orderBy, limit))).map(messageEntry),
    },
    toolCalls: {
      table: 'toolCalls',
      order: [t.toolCalls.timestamp, t.toolCalls.seq, t.toolCalls.id],
      page: async (where, orderBy, limit) => (await s.rows('toolCalls', page(where, orderBy, limit))).map(toolCallEntry),
    },
    commands: {
      table: 'commands',
      order: [t.commands.timestamp, t.commands.seq, t.commands.id],
      page: async (where, orderBy, limit) => (await s.rows('commands', page(where, orderBy, limit))).map(commandEntry),
    },
    context: {
      table: 'context',
      order: [t.context.timestamp, t.context.seq, t.context.id],
      page: async (where, orderBy, limit) => (await s.rows('context', page(where, orderBy, limit))).map(contextEntry),
    },
  };
}

/** A source per entry type: one per fact kind over the run log, so the merge below needs no special case. */
function sources(backend: SqlBackend): Record<EntryType, Source> {
  const tables = tableSources(backend);
  const runSource = (kind: RunFactType): Source => ({ ...tables.runEvents, where: eq(backend.dialect.tables.runEvents.kind, kind) });
  return {
    ...(Object.fromEntries(RUN_FACT_TYPES.map((kind) => [kind, runSource(kind)])) as Record<RunFactType, Source>),
    conversation_start: tables.conversations,
    message: tables.messages,
    tool_call: tables.toolCalls,
    command: tables.commands,
    context: tables.context,
  };
}

/** The cursor of an entry; a conversation_start's id column is its conversation id. */
export function cursorOf(entry: Entry): Cursor {
  return [entry.timestamp, entry.seq, entry.type === 'conversation_start' ? entry.conversation_id : entry.id];
}

/** A further condition on the rows of a table (a feed's bound), or none. */
export type Bound = (table: EntryTable) => SQL | undefined;

/** One table's entries in log order, read a page at a time with keyset pagination. */
async function* stream(backend: SqlBackend, source: Source, window: Normalized<EntryQuery>, bound?: Bound): AsyncGenerator<Entry> {
  const [timestamp, seq, id] = source.order;
  const order = [asc(timestamp), asc(seq), asc(id)];
  let after: Cursor | undefined;
  for (;;) {
    const where = and(
      source.where,
      bound?.(source.table),
      window.since === undefined ? undefined : gte(timestamp, window.since),
      window.until === undefined ? undefined : lte(timestamp, window.until),
      after === undefined ? undefined : backend.dialect.after(source.order, after),
    );
    const page = await source.page(where, order);
    yield* page;
    if (page.length < PAGE_SIZE) return;
    after = cursorOf(page[page.length - 1]!);
  }
}

/**
 * The conditions a table is read under for a query's agent, session and conversations: none
 * (the table is not read: a command has no conversation, a message no session), one, or one per
 * list of conversation ids short enough for an `IN`.
 */
function scopes(backend: SqlBackend, table: EntryTable, query: Normalized<EntryQuery>): (SQL | undefined)[] {
  const t = backend.dialect.tables;
  if (table === 'commands' || table === 'runEvents') {
    if (query.conversations !== undefined) return [];
    const owner = t[table];
    return [and(query.agent === undefined ? undefined : eq(owner.agent_name, query.agent), query.session === undefined ? undefined : eq(owner.session_id, query.session))];
  }
  if (query.session !== undefined) return [];
  const conversation = t[table].conversation_id;
  const ofAgent =
    query.agent === undefined
      ? undefined
      : table === 'conversations'
        ? eq(t.conversations.agent_name, query.agent)
        : inArray(conversation, backend.statements.subquery({ id: field(t.conversations.conversation_id) }, 'conversations', { where: eq(t.conversations.agent_name, query.agent) }));
  if (query.conversations === undefined) return [ofAgent];
  return chunked(query.conversations).map((ids) => and(ofAgent, inArray(conversation, ids)));
}

/**
 * Every stored entry in logging order (timestamp, then seq): one paged stream per table,
 * merged. Holds at most one page per table in memory. `bound` limits each table further.
 */
export async function* readEntries(backend: SqlBackend, query: Normalized<EntryQuery>, bound?: Bound): AsyncGenerator<Entry> {
  const all = sources(backend);
  const types = query.types ?? (Object.keys(all) as EntryType[]);
  const streams = [...new Set(types)].flatMap((type) => {
    const source = all[type];
    return scopes(backend, source.table, query).map((scope) => stream(backend, { ...source, where: and(source.where, scope) }, query, bound));
  });
  const heads: { entry: Entry; from: AsyncGenerator<Entry> }[] = [];
  for (const from of streams) {
    const next = await from.next();
    if (!next.done) heads.push({ entry: next.value, from });
  }
  while (heads.length > 0) {
    let first = 0;
    for (let i = 1; i < heads.length; i++) if (byLogOrder(heads[i]!.entry, heads[first]!.entry) < 0) first = i;
    const head = heads[first]!;
    yield head.entry;
    const next = await head.from.next();
    if (next.done) heads.splice(first, 1);
    else head.entry = next.value;
  }
}
