import { isRunFact, messageKey, sequenceTaken, toolCallKey, type Entry, type MessageEntry, type RunFact, type ToolCallEntry } from '../core/entries.js';
import { Conversations, type ConversationHead } from '../core/conversations.js';
import type { LogRecord } from '../core/provider.js';
import type { ResetQuery, ResetResult } from '../core/queries.js';
import { EntryRows, MESSAGE, TOOL_CALL } from './rows.js';

/** What `EntryStore.add` returns for a tool call that completed one stored before it. */
export const COMPLETED = 'completed';

/** A conversation as held in memory: its head, and the chain of its rows (conversation_start included). */
export interface StoredConversation extends ConversationHead {
  /** Its slot in the rows' conversation column. */
  readonly slot: number;
  /** First and last row of its chain (-1: none yet); rows link on through `EntryRows.next`. */
  first: number;
  last: number;
  messages: number;
  tool_calls: number;
  context: number;
}

/**
 * A run fact with its sequence: a given one is kept, else its session's next after the last in
 * `sequences`, which is updated. Records are shared between providers, so a numbered fact is a copy.
 */
export function numberFact(fact: RunFact, sequences: Map<string, number>): RunFact {
  const last = sequences.get(fact.session_id) ?? 0;
  if (fact.sequence !== undefined) {
    sequences.set(fact.session_id, Math.max(last, fact.sequence));
    return fact;
  }
  sequences.set(fact.session_id, last + 1);
  return { ...fact, sequence: last + 1 };
}

/**
 * The entry numbered after `last`, the highest `seq` a store holds: itself when its seq is higher
 * already (the logger's, in a store only this process writes), else a copy with `last + 1`.
 * Records are shared between providers, so the entry itself is never changed.
 */
export function numberedAfter<E extends Entry>(entry: E, last: number): E {
  return entry.seq > last ? entry : { ...entry, seq: last + 1 };
}

/** Orders entries as logged: by timestamp, then by `seq` (the store's order, see `EntryStore.add`). */
export function byLogOrder(a: Entry, b: Entry): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.seq - b.seq;
}

/**
 * Entries held in process, indexed by conversation: the storage of the memory provider and
 * the in-memory index of the file provider. Entries are kept as compact rows (`EntryRows`) and
 * decoded when read. Adding is O(1); an `id` seen before is ignored.
 */
export class EntryStore {
  private current = new EntryRows();
  readonly conversations = new Conversations<StoredConversation>((head) => this.openConversation(head));
  /** Conversations by slot (a deleted one leaves a hole). */
  private bySlot: (StoredConversation | undefined)[] = [];
  /** Rows of the commands, in the order added. */
  commandRows: number[] = [];
  /** Rows of the run-log facts (docs/runs.md), each numbered within its session. */
  private factRows: number[] = [];
  /** The last `sequence` of each session. */
  private sequences = new Map<string, number>();
  /** Ids of every stored entry; built on the first record whose id was given, not generated. */
  private ids: Set<string> | null = null;
  /** The `message_id` of every stored message (see `repeats`). */
  private messageIds: Set<string> | null = null;
  /** The row of every stored tool call that has a `tool_call_id`, by `toolCallKey`; built on first need. */
  private toolCallRows: Map<string, number> | null = null;
  /** The highest `seq` stored: an entry added later is numbered after it (see `add`). */
  private lastSeq = 0;

  private openConversation(head: ConversationHead): StoredConversation {
    // Spelled out, not `{ ...head }`: V8 reads the fields of a spread-built object far slower here.
    const conversation: StoredConversation = {
      conversation_id: head.conversation_id,
      agent_name: head.agent_name,
      start_time: head.start_time,
      started: head.started,
      start_seq: head.start_seq,
      slot: this.current.openSlot(head.conversation_id),
      first: -1,
      last: -1,
      messages: 0,
      tool_calls: 0,
      context: 0,
    };
    this.bySlot[conversation.slot] = conversation;
    return conversation;
  }

  /** The conversation of a slot (of a row's `slot`), unless deleted. */
  conversationAt(slot: number): StoredConversation | undefined {
    return this.bySlot[slot];
  }

  /** The rows, for the readers. */
  get rows(): EntryRows {
    return this.current;
  }

  /** Every entry, in the order added (decoded: a new array on every call). */
  get entries(): readonly Entry[] {
    const rows = this.current;
    const all: Entry[] = [];
    for (let row = 0; row < rows.count; row++) if (!rows.dead(row)) all.push(rows.decode(row));
    return all;
  }

  /** The run-log facts, in the order added. */
  get facts(): RunFact[] {
    return this.factRows.map((row) => this.current.decode(row) as RunFact);
  }

  /**
   * Adds a record logged now; returns the entry as stored, or undefined when it is stored
   * already: an entry with its id, or a message with its `message_id`. The entry is
   * numbered after every stored one (its `seq`, a copy when the logger's is not higher), so ties
   * in time keep the order entries were stored in, across restarts and processes. A run fact
   * gets the next `sequence` of its session; one that carries a sequence the session already has
   * is refused with an `EntryError`, and nothing of it is stored. A tool call whose
   * `tool_call_id` a stored call of its conversation has completes that one (`COMPLETED`): its
   * result is attached, and no row is added.
   */
  add(record: LogRecord): Entry | typeof COMPLETED | undefined {
    return this.insert(record, false);
  }

  /**
   * Replaces everything stored by `records`, added in order as if anew, each keeping its `seq`:
   * the file provider's store after it read back a file another process wrote. Readers see the
   * new contents.
   */
  replaceAll(records: Iterable<LogRecord>): void {
    this.clear();
    for (const record of records) this.insert(record, true);
  }

  private insert(record: LogRecord, loading: boolean): Entry | typeof COMPLETED | undefined {
    const { agent, fresh } = record;
    if (!fresh) this.ids ??= this.storedIds();
    if (this.ids?.has(record.entry.id)) return undefined;
    if (record.entry.type === 'message' && this.repeats(record.entry, fresh)) return undefined;
    if (record.entry.type === 'tool_call' && this.completes(record.entry)) return COMPLETED;
    if (isRunFact(record.entry)) {
      const fact = this.numbered(this.ordered(record.entry, loading), loading);
      this.ids?.add(fact.id);
      this.factRows.push(this.current.add(fact, -1));
      return fact;
    }
    const entry = this.ordered(record.entry, loading);
    // A generated id is kept as the logger's prefix plus its seq: only while the seq is the logger's.
    const generated = fresh && entry === record.entry;
    this.ids?.add(entry.id);
    const rows = this.current;
    let conversation: StoredConversation;
    switch (entry.type) {
      case 'command':
        this.commandRows.push(rows.add(entry, -1, generated));
        return entry;
      case 'conversation_start':
        conversation = this.conversations.start(entry);
        break;
      case 'message':
        conversation = this.conversations.of(entry, agent);
        conversation.messages += 1;
        break;
      case 'tool_call':
        conversation = this.conversations.of(entry, agent);
        conversation.tool_calls += 1;
        if (entry.tool_call_id !== undefined) this.toolCallRows?.set(toolCallKey(entry.conversation_id, entry.tool_call_id), rows.count);
        break;
      case 'context':
        conversation = this.conversations.of(entry, agent);
        conversation.context += 1;
        break;
    }
    const row = rows.add(entry, conversation.slot, generated);
    if (conversation.last >= 0) rows.link(conversation.last, row);
    else conversation.first = row;
    conversation.last = row;
    return entry;
  }

  /** The entry numbered after every stored one: itself when loaded or when its seq is higher already, else a copy. */
  private ordered<E extends Entry>(entry: E, loading: boolean): E {
    const stored = loading ? entry : numberedAfter(entry, this.lastSeq);
    if (stored.seq > this.lastSeq) this.lastSeq = stored.seq;
    return stored;
  }

  /**
   * Whether a message with this `message_id` (its id when it has none) is stored; notes it when
   * not. A message whose generated id is its own message_id repeats none, so the set of stored
   * message ids is built only once a message could repeat one.
   */
  private repeats(message: MessageEntry, fresh: boolean): boolean {
    const key = messageKey(message.conversation_id, message.message_id ?? message.id);
    if (this.messageIds === null) {
      if (fresh && (message.message_id ?? message.id) === message.id) return false;
      this.messageIds = this.storedMessageIds();
    }
    if (this.messageIds.has(key)) return true;
    this.messageIds.add(key);
    return false;
  }

  /**
   * Whether a tool call completes a stored one (same conversation and `tool_call_id`), which it
   * then does. Without a `tool_call_id` nothing can be completed, so the map of stored calls is
   * built only once a call has one.
   */
  private completes(call: ToolCallEntry): boolean {
    if (call.tool_call_id === undefined) return false;
    this.toolCallRows ??= this.storedToolCalls();
    const row = this.toolCallRows.get(toolCallKey(call.conversation_id, call.tool_call_id));
    if (row === undefined) return false;
    this.current.completeToolCall(row, call);
    this.ids?.add(call.id);
    return true;
  }

  private storedToolCalls(): Map<string, number> {
    const rows = this.current;
    const found = new Map<string, number>();
    rows.scan(TOOL_CALL, (row) => {
      const id = rows.field(row, 'tool_call_id') as string | undefined;
      const key = id === undefined ? undefined : toolCallKey(rows.conversationId(rows.slot(row)), id);
      if (key !== undefined && !found.has(key)) found.set(key, row);
    });
    return found;
  }

  private clear(): void {
    this.current = new EntryRows();
    this.bySlot = [];
    this.conversations.clear();
    this.commandRows = [];
    this.factRows = [];
    this.sequences = new Map();
    this.ids = null;
    this.messageIds = null;
    this.toolCallRows = null;
    this.lastSeq = 0;
  }

  /** The fact with its sequence (see `numberFact`); throws when a new fact's given sequence is taken. */
  private numbered(fact: RunFact, loading: boolean): RunFact {
    if (!loading && fact.sequence !== undefined && fact.sequence <= (this.sequences.get(fact.session_id) ?? 0) && this.holds(fact.session_id, fact.sequence)) {
      throw sequenceTaken(fact);
    }
    return numberFact(fact, this.sequences);
  }

  /** Whether a stored fact of this session has this sequence (facts are few: a scan). */
  private holds(session: string, sequence: number): boolean {
    const rows = this.current;
    return this.factRows.some((row) => rows.field(row, 'sequence') === sequence && rows.field(row, 'session_id') === session);
  }

  /** Deletes everything, or one agent's conversations (with their entries) and commands. */
  reset(query: ResetQuery): ResetResult {
    const { agent } = query;
    const rows = this.current;
    const doomed = [...this.conversations.values()].filter((c) => agent === undefined || c.agent_name === agent);
    const agentCode = agent === undefined ? undefined : rows.strings.find(agent);
    const commands = this.commandRows.filter((row) => agentCode === undefined || rows.sym(row, 0) === agentCode);
    const facts = this.factRows.filter((row) => agent === undefined || (rows.decode(row) as RunFact).agent_name === agent);
    const result: ResetResult = {
      conversations: doomed.length,
      messages: sum(doomed, (c) => c.messages),
      tool_calls: sum(doomed, (c) => c.tool_calls),
      commands: commands.length,
      context: sum(doomed, (c) => c.context),
      run_events: facts.length,
    };
    if (agent === undefined) {
      this.clear();
      return result;
    }
    for (const c of doomed) {
      for (let row = c.first; row >= 0; row = rows.next(row)) this.kill(row);
      this.conversations.delete(c.conversation_id);
      this.bySlot[c.slot] = undefined;
    }
    for (const row of commands) this.kill(row);
    for (const row of facts) this.kill(row);
    this.messageIds = null;
    this.toolCallRows = null;
    this.commandRows = this.commandRows.filter((row) => !rows.dead(row));
    this.factRows = this.factRows.filter((row) => !rows.dead(row));
    // Like max(sequence) + 1 in sql: a session whose facts are all gone numbers from 1 again.
    this.sequences = new Map();
    for (const f of this.facts) this.sequences.set(f.session_id, Math.max(this.sequences.get(f.session_id) ?? 0, f.sequence ?? 0));
    return result;
  }

  private kill(row: number): void {
    this.ids?.delete(this.current.id(row));
    this.current.kill(row);
  }

  private storedMessageIds(): Set<string> {
    const rows = this.current;
    const ids = new Set<string>();
    rows.scan(MESSAGE, (row) => {
      const conversation = this.conversationAt(rows.slot(row))?.conversation_id;
      if (conversation !== undefined) ids.add(messageKey(conversation, (rows.field(row, 'message_id') as string | undefined) ?? rows.id(row)));
    });
    return ids;
  }

  private storedIds(): Set<string> {
    const rows = this.current;
    const ids = new Set<string>();
    for (let row = 0; row < rows.count; row++) if (!rows.dead(row)) ids.add(rows.id(row));
    return ids;
  }
}

function sum<T>(items: readonly T[], count: (item: T) => number): number {
  return items.reduce((total, item) => total + count(item), 0);
}
