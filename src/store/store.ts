import { isRunFact, type CommandEntry, type ContextEntry, type Entry, type MessageEntry, type RunFact, type ToolCallEntry } from '../core/entries.js';
import { Conversations, type ConversationHead } from '../core/conversations.js';
import type { LogRecord } from '../core/provider.js';
import type { ResetQuery, ResetResult } from '../core/queries.js';

/** A conversation as held in memory, with everything logged under it. */
export interface StoredConversation extends ConversationHead {
  messages: MessageEntry[];
  tool_calls: ToolCallEntry[];
  context: ContextEntry[];
}

/** Orders entries as logged: by timestamp, then by the logger's `seq`. */
export function byLogOrder(a: Entry, b: Entry): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.seq - b.seq;
}

/**
 * Entries held in process, indexed by conversation: the storage of the memory provider and
 * the in-memory index of the file provider. Adding is O(1); an `id` seen before is ignored.
 */
export class EntryStore {
  readonly conversations = new Conversations<StoredConversation>((head) => ({ ...head, messages: [], tool_calls: [], context: [] }));
  commands: CommandEntry[] = [];
  /** Run-log facts (SPEC §3.6), each numbered within its session. */
  facts: RunFact[] = [];
  /** The last `sequence` of each session. */
  private sequences = new Map<string, number>();
  private all: Entry[] = [];
  /** Ids of every stored entry; built on the first record whose id was given, not generated. */
  private ids: Set<string> | null = null;

  /** Every entry, in the order added. */
  get entries(): readonly Entry[] {
    return this.all;
  }

  /**
   * Adds a record; returns the entry as stored (a run fact gets the next `sequence` of its
   * session), or undefined when an entry with its id is already stored.
   */
  add(record: LogRecord): Entry | undefined {
    const { agent, fresh } = record;
    if (!fresh) this.ids ??= new Set(this.all.map((e) => e.id));
    if (this.ids) {
      if (this.ids.has(record.entry.id)) return undefined;
      this.ids.add(record.entry.id);
    }
    if (isRunFact(record.entry)) {
      const fact = this.numbered(record.entry);
      this.all.push(fact);
      this.facts.push(fact);
      return fact;
    }
    const entry = record.entry;
    this.all.push(entry);
    switch (entry.type) {
      case 'conversation_start':
        this.conversations.start(entry);
        break;
      case 'message':
        this.conversations.of(entry, agent).messages.push(entry);
        break;
      case 'tool_call':
        this.conversations.of(entry, agent).tool_calls.push(entry);
        break;
      case 'context':
        this.conversations.of(entry, agent).context.push(entry);
        break;
      case 'command':
        this.commands.push(entry);
        break;
    }
    return entry;
  }

  /**
   * Replaces everything stored by `records`, added in order as if anew: the file provider's
   * store after it read back a file another process wrote. Readers see the new contents.
   */
  replaceAll(records: Iterable<LogRecord>): void {
    this.conversations.clear();
    this.commands = [];
    this.facts = [];
    this.sequences = new Map();
    this.all = [];
    this.ids = null;
    for (const record of records) this.add(record);
  }

  /** The fact with its sequence: a given one is kept, else the session's next (records are shared, so copied). */
  private numbered(fact: RunFact): RunFact {
    const last = this.sequences.get(fact.session_id) ?? 0;
    if (fact.sequence !== undefined) {
      this.sequences.set(fact.session_id, Math.max(last, fact.sequence));
      return fact;
    }
    this.sequences.set(fact.session_id, last + 1);
    return { ...fact, sequence: last + 1 };
  }

  /** Deletes everything, or one agent's conversations (with their entries) and commands. */
  reset(query: ResetQuery): ResetResult {
    const doomed = [...this.conversations.values()].filter((c) => query.agent === undefined || c.agent_name === query.agent);
    const commands = this.commands.filter((c) => query.agent === undefined || c.agent_name === query.agent);
    const facts = new Set(this.facts.filter((f) => query.agent === undefined || f.agent_name === query.agent));
    const result: ResetResult = {
      conversations: doomed.length,
      messages: sum(doomed, (c) => c.messages.length),
      tool_calls: sum(doomed, (c) => c.tool_calls.length),
      commands: commands.length,
      context: sum(doomed, (c) => c.context.length),
      run_events: facts.size,
    };
    const gone = new Set<string>(doomed.map((c) => c.conversation_id));
    for (const id of gone) this.conversations.delete(id);
    const goneCommands = new Set(commands);
    this.commands = this.commands.filter((c) => !goneCommands.has(c));
    this.facts = this.facts.filter((f) => !facts.has(f));
    // Like max(sequence) + 1 in sql: a session whose facts are all gone numbers from 1 again.
    this.sequences = new Map();
    for (const f of this.facts) this.sequences.set(f.session_id, Math.max(this.sequences.get(f.session_id) ?? 0, f.sequence ?? 0));
    this.all = this.all.filter((entry) => {
      const keep = isRunFact(entry)
        ? !facts.has(entry)
        : 'conversation_id' in entry
          ? !gone.has(entry.conversation_id)
          : !goneCommands.has(entry as CommandEntry);
      if (!keep) this.ids?.delete(entry.id);
      return keep;
    });
    return result;
  }

}

function sum<T>(items: readonly T[], count: (item: T) => number): number {
  return items.reduce((total, item) => total + count(item), 0);
}
