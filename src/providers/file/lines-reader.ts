import { open, type FileHandle } from 'node:fs/promises';
import { RUN_FACT_TYPES, type CommandEntry, type Entry, type EntryType, type MessageEntry, type RunFact } from '../../core/entries.js';
import type { CommandQuery, Conversation, ConversationQuery, EntryFeed, EntryQuery, HistoryReader, MessageQuery, Normalized, Stats, StatsGroup, StatsQuery } from '../../core/queries.js';
import { conversationPasses, filtersMessages, isScoped, ownEntryPasses } from '../../core/queries.js';
import type { RunReader } from '../../core/run-queries.js';
import { DocumentError } from '../../formats/codec.js';
import { toEntry } from '../../formats/load.js';
import { readSpans } from '../../fs/line-scan.js';
import { selectFacts } from '../../store/facts.js';
import { commandFilter, inWindow, messageFilter, newestFirst, selectCommands, StatsTally, storeReader } from '../../store/reader.js';
import { byLogOrder, EntryStore } from '../../store/store.js';
import { recordsInOrder } from './shared-file.js';
import type { IndexedConversation, LineIndex } from './line-index.js';
import { readsToolCalls, toolCallCompletions, withCompletions } from './tool-calls.js';

/** How many entries are read from the file at a time. */
const BATCH = 4096;

/** The file was replaced while a query read it; the query starts over. */
class Replaced extends Error {}

/** Reads entries of a JSON Lines history by row, through one handle on one version of the file. */
export class LinesFileView {
  private constructor(
    private readonly index: LineIndex,
    private readonly handle: FileHandle,
    /** Which version of the file the view reads (the index's count of times it started over). */
    readonly generation: number,
    private readonly encoding: BufferEncoding,
  ) {}

  /**
   * Opens the file as it is now, after syncing the index (through `sync`, one at a time); null
   * when there is no file. Close it when done.
   */
  static async open(index: LineIndex, sync: () => Promise<void>, encoding: BufferEncoding): Promise<LinesFileView | null> {
    for (let attempt = 0; ; attempt++) {
      await sync();
      const handle = await open(index.path, 'r').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
      if (!handle) return null;
      if (index.broken) {
        await handle.close();
        throw index.broken;
      }
      const info = await handle.stat().catch(async (error) => {
        await handle.close();
        throw error;
      });
      if (index.isOf(info.dev, info.ino)) return new LinesFileView(index, handle, index.generation, encoding);
      await handle.close();
      // Replaced between the sync and the open: sync again.
      if (attempt >= 5) throw new Error(`${index.path} keeps being replaced while it is read`);
    }
  }

  /** Runs `work` on the file as it is now; when another process replaces the file meanwhile, starts over. */
  static async with<T>(index: LineIndex, sync: () => Promise<void>, encoding: BufferEncoding, work: (view: LinesFileView | null) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const view = await LinesFileView.open(index, sync, encoding);
      try {
        return await work(view);
      } catch (error) {
        if (!(error instanceof Replaced) || attempt >= 5) throw error;
      } finally {
        await view?.close();
      }
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  /** Reads and validates the entries of `rows`, in the order given. */
  async load(rows: readonly number[]): Promise<Entry[]> {
    const { offsets, sizes, lineNumbers } = this.index;
    const spans = rows.map((row) => ({ offset: offsets.values[row]!, bytes: sizes.values[row]!, line: lineNumbers.values[row]! }));
    this.check();
    const buffers = await readSpans(this.handle, spans);
    this.check();
    return buffers.map((bytes, i) => {
      const line = spans[i]!.line;
      const position = () => ({ line, column: 1 });
      let value: unknown;
      try {
        value = JSON.parse(bytes.toString(this.encoding));
      } catch (error) {
        throw new DocumentError(`invalid JSON: ${(error as Error).message}`, line, 1);
      }
      return toEntry({ value, where: `line ${line}`, position });
    });
  }

  /**
   * Reads `rows` a batch at a time. A line whose id came before is skipped, as the memory
   * provider skips an entry logged twice (our writers never append one, other tools might).
   */
  async *batches(rows: readonly number[]): AsyncGenerator<Entry[]> {
    const seen = new Set<string>();
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = await this.load(rows.slice(i, i + BATCH));
      yield batch.filter((entry) => !seen.has(entry.id) && seen.add(entry.id));
    }
  }

  /**
   * The entries of some conversations, held in a store that answers queries as the memory
   * provider does. They are added in file order, which is the order they were logged in, so the
   * store decides each conversation's agent and start as the index did (and as the memory
   * provider does); an id seen before is skipped, as the memory provider skips it.
   */
  async storeOf(conversations: readonly IndexedConversation[]): Promise<EntryStore> {
    const rows = conversations.flatMap((c) => c.rows).sort((a, b) => a - b);
    const store = new EntryStore();
    store.replaceAll(recordsInOrder(await this.load(rows)));
    return store;
  }

  /** The rows of the given types, in file order, optionally within a time window (in ms, ends included). */
  rowsOf(types: ReadonlySet<EntryType> | undefined, window: { since?: string | undefined; until?: string | undefined } = {}): number[] {
    const { types: codes, times } = this.index;
    const wanted = types && new Set([...types].map((type) => this.index.codeOf(type)));
    const since = window.since === undefined ? -Infinity : Date.parse(window.since) - 1;
    const until = window.until === undefined ? Infinity : Date.parse(window.until) + 1;
    const rows: number[] = [];
    for (let row = 0; row < this.index.rows; row++) {
      if (wanted && !wanted.has(codes.values[row]!)) continue;
      const time = times.values[row]!;
      if (time < since || time > until) continue;
      rows.push(row);
    }
    return rows;
  }

  /**
   * The rows an entry query's agent, session and conversations may keep: rows of a conversation
   * tested by the conversation; the others (commands, run-log facts) are tested once read.
   */
  inScope(rows: number[], query: Normalized<EntryQuery>): number[] {
    if (!isScoped(query)) return rows;
    const of = this.index.conversationOf.values;
    const list = this.index.conversationList;
    const ids = query.conversations && new Set(query.conversations);
    return rows.filter((row) => {
      const c = of[row]! >= 0 ? list[of[row]!] : undefined;
      return c === undefined ? query.conversations === undefined : conversationPasses(c.conversation_id, c.agent_name, query, ids);
    });
  }

  /** Rows sorted as logged: by time, then `seq`, then position in the file. */
  inLogOrder(rows: number[]): number[] {
    const { times, seqs } = this.index;
    return rows.sort((a, b) => times.values[a]! - times.values[b]! || seqs.values[a]! - seqs.values[b]! || a - b);
  }

  /** The file's path. */
  get path(): string {
    return this.index.path;
  }

  private check(): void {
    if (this.index.generation !== this.generation) throw new Replaced();
  }
}

/** How many conversations are read at a time when a query walks them. */
function chunkFor(limit: number | undefined): number {
  return Math.min(1000, Math.max(16, limit ?? 1000));
}

/** How the reader reaches the file: a view for one query, or one opened for a stream of entries. */
export interface Views {
  with<T>(work: (view: LinesFileView | null) => Promise<T>): Promise<T>;
  open(): Promise<LinesFileView | null>;
}

/** The conversations the query's agent and start window select, newest first, from the index. */
function headsOf(index: LineIndex, query: Normalized<ConversationQuery>): IndexedConversation[] {
  return index.conversationList.filter((c) => (query.agent === undefined || c.agent_name === query.agent) && inWindow(c.start_time, query)).sort(newestFirst);
}

/**
 * The conversation list, read a chunk of conversations at a time. The ones an offset skips are
 * read too (a text or model filter decides which count), so a page far down costs its offset.
 */
async function conversations(index: LineIndex, view: LinesFileView, query: Normalized<ConversationQuery>): Promise<Conversation[]> {
  const heads = headsOf(index, query);
  const wanted = query.limit === undefined ? undefined : (query.offset ?? 0) + query.limit;
  const found: Conversation[] = [];
  const chunk = chunkFor(wanted);
  for (let i = 0; i < heads.length && (wanted === undefined || found.length < wanted); i += chunk) {
    const store = await view.storeOf(heads.slice(i, i + chunk));
    const limit = wanted === undefined ? undefined : wanted - found.length;
    found.push(...(await storeReader(store).conversations({ ...query, offset: 0, limit })));
  }
  return found.slice(query.offset ?? 0);
}

/** How many conversations a query matches: from the index alone unless a text or model filter must read messages. */
async function countConversations(index: LineIndex, view: LinesFileView, query: Normalized<ConversationQuery>): Promise<number> {
  const heads = headsOf(index, query);
  if (!filtersMessages(query)) return heads.length;
  let count = 0;
  for (let i = 0; i < heads.length; i += chunkFor(undefined)) {
    count += await storeReader(await view.storeOf(heads.slice(i, i + chunkFor(undefined)))).countConversations(query);
  }
  return count;
}

/** Keeps the last `limit` messages in logging order of those offered. */
function keepLast(kept: MessageEntry[], more: MessageEntry[], limit: number | undefined): MessageEntry[] {
  const all = kept.concat(more).sort(byLogOrder);
  return limit === undefined ? all : all.slice(Math.max(0, all.length - limit));
}

async function messages(index: LineIndex, view: LinesFileView, query: Normalized<MessageQuery>): Promise<MessageEntry[]> {
  if (query.conversation_id !== undefined) {
    const conversation = index.conversations.get(query.conversation_id);
    return conversation ? storeReader(await view.storeOf([conversation])).messages(query) : [];
  }
  const matches = messageFilter(query);
  let kept: MessageEntry[] = [];
  for await (const { message, agent } of messagesOf(index, view, query)) {
    if (matches(message, agent)) kept.push(message);
    if (query.limit !== undefined && kept.length >= 2 * Math.max(query.limit, BATCH)) kept = keepLast([], kept, query.limit);
  }
  return keepLast([], kept, query.limit);
}

/** Every message in a window with the agent of its conversation, a batch of rows at a time (an id seen before skipped). */
async function* messagesOf(index: LineIndex, view: LinesFileView, window: { since?: string | undefined; until?: string | undefined }) {
  const rows = view.rowsOf(new Set(['message']), window);
  const conversationOf = index.conversationOf.values;
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i += BATCH) {
    const slice = rows.slice(i, i + BATCH);
    const loaded = await view.load(slice);
    for (let k = 0; k < loaded.length; k++) {
      const message = loaded[k] as MessageEntry;
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      const conversation = index.conversationList[conversationOf[slice[k]!]!];
      yield { message, agent: conversation?.agent_name ?? null };
    }
  }
}

/** The commands a query asks for, newest first, read a batch at a time and keeping at most `offset + limit`. */
async function commands(view: LinesFileView, query: CommandQuery): Promise<CommandEntry[]> {
  const keep = { ...query, offset: 0, limit: query.limit === undefined ? undefined : (query.offset ?? 0) + query.limit };
  let kept: CommandEntry[] = [];
  for await (const batch of view.batches(view.rowsOf(new Set(['command'])))) {
    kept = selectCommands(kept.concat(batch as CommandEntry[]), keep);
  }
  return kept.slice(query.offset ?? 0);
}

/** How many commands a query matches, read a batch at a time. */
async function countCommands(view: LinesFileView, query: CommandQuery): Promise<number> {
  const passes = commandFilter(query);
  let count = 0;
  for await (const batch of view.batches(view.rowsOf(new Set(['command'])))) count += (batch as CommandEntry[]).filter(passes).length;
  return count;
}

async function stats(index: LineIndex, view: LinesFileView, query: Normalized<StatsQuery> & { group_by: StatsGroup }): Promise<Stats> {
  const tally = new StatsTally(query);
  for await (const { message, agent } of messagesOf(index, view, query)) {
    if (query.agent === undefined || agent === query.agent) tally.add(message, agent);
  }
  return tally.result();
}

const FACT_TYPES: ReadonlySet<EntryType> = new Set(RUN_FACT_TYPES);

/** Every entry of some types (each id once): for the run log, whose runs are assembled from all their facts. */
async function allOf<T extends Entry>(view: LinesFileView, types: ReadonlySet<EntryType>): Promise<T[]> {
  const found: T[] = [];
  for await (const batch of view.batches(view.rowsOf(types))) found.push(...(batch as T[]));
  return found;
}

/**
 * The history queries over a JSON Lines history, with bounded memory: the index picks the
 * rows a query needs, and only those are read and parsed, a batch at a time. Conversations
 * and their messages are answered by the same code as the memory provider, over a store that
 * holds only the conversations at hand.
 */
export function linesReader(index: LineIndex, views: Views, reset: HistoryReader['reset'], unreadable: (error: unknown) => never): { reader: HistoryReader; runs: RunReader } {
  return {
    reader: {
      feed: linesFeed(index, views, unreadable),
      conversations: (query) => views.with(async (view) => (view ? conversations(index, view, query) : [])),
      messages: (query) => views.with(async (view) => (view ? messages(index, view, query) : [])),
      stats: (query) => views.with(async (view) => (view ? stats(index, view, query) : new StatsTally(query).result())),
      countConversations: (query) => views.with(async (view) => (view ? countConversations(index, view, query) : 0)),
      commands: (query) => views.with(async (view) => (view ? commands(view, query) : [])),
      countCommands: (query) => views.with(async (view) => (view ? countCommands(view, query) : 0)),
      reset,
      entries: (query) => entriesOf(() => views.open(), query, unreadable),
    },
    runs: {
      facts: (query) => views.with(async (view) => (view ? selectFacts(await allOf<RunFact>(view, FACT_TYPES), query) : [])),
    },
  };
}

/** Where a feed stands in a JSON Lines file: the rows of one version of it (`generation`) it has followed. */
interface LinesPosition {
  generation: number;
  rows: number;
}

/**
 * Follows a JSON Lines file by line: each sync of the index reads only the bytes appended since
 * the last (from its offset), and the lines after a position are the index rows after it. A file
 * replaced meanwhile (a reset) is followed from its new end.
 */
function linesFeed(index: LineIndex, views: Views, unreadable: (error: unknown) => never): EntryFeed {
  const here = async (): Promise<LinesPosition> => {
    const view = await views.open();
    await view?.close();
    return { generation: index.generation, rows: view ? index.rows : 0 };
  };
  return {
    end: () => here().catch(unreadable),
    upTo: (query, to) => entriesOf(() => views.open(), query, unreadable, to as LinesPosition),
    async after(from) {
      const start = from as LinesPosition;
      try {
        return await views.with(async (view) => {
          if (!view || view.generation !== start.generation) return { entries: [], position: { generation: index.generation, rows: view ? index.rows : 0 } };
          const rows: number[] = [];
          for (let row = start.rows; row < index.rows && rows.length < BATCH; row++) rows.push(row);
          return { entries: (await view.load(rows)).sort(byLogOrder), position: { generation: start.generation, rows: start.rows + rows.length } };
        });
      } catch (error) {
        return unreadable(error);
      }
    },
  };
}

/**
 * Every entry of a query in logging order, read a batch at a time as the caller consumes them;
 * with `upTo`, only the rows a feed's position covers.
 */
async function* entriesOf(openView: () => Promise<LinesFileView | null>, query: Normalized<EntryQuery>, unreadable: (error: unknown) => never, upTo?: LinesPosition): AsyncGenerator<Entry> {
  const view = await openView();
  if (!view) return;
  try {
    const covered = upTo === undefined || upTo.generation !== view.generation ? Infinity : upTo.rows;
    const rows = view.inLogOrder(view.inScope(view.rowsOf(query.types ? new Set(query.types) : undefined, query).filter((row) => row < covered), query));
    const owned = isScoped(query) ? (entry: Entry) => 'conversation_id' in entry || ownEntryPasses(entry, query) : () => true;
    const calls = () => view.batches(view.inScope(view.rowsOf(new Set(['tool_call'])), query));
    const completions = readsToolCalls(query) ? await toolCallCompletions(calls()) : null;
    for await (const batch of view.batches(rows)) {
      for (const read of batch) {
        const entry = withCompletions(read, completions);
        if (entry !== null && inWindow(entry.timestamp, query) && owned(entry)) yield entry;
      }
    }
  } catch (error) {
    if (error instanceof Replaced) throw new Error(`${view.path} was replaced by another process while its entries were read`);
    return unreadable(error);
  } finally {
    await view.close();
  }
}
