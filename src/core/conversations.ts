/** What every reader knows of a conversation besides its entries. */
export interface ConversationHead {
  conversation_id: string;
  /** The agent of its conversation_start, else the agent its first entry was attributed to. */
  agent_name: string | null;
  /** The timestamp of its conversation_start, else the earliest timestamp of its entries. */
  start_time: string;
  /** Whether a conversation_start was seen. */
  started: boolean;
  /**
   * The store's order (`seq`) of the entry that gave the start time: it breaks ties between
   * conversations that started at the same time. Absent in indexes written before it was kept.
   */
  start_seq?: number | undefined;
}

/**
 * The conversations of a store, kept by the one set of rules every reader shares (the memory
 * and file providers' store, the text_file provider's grouped templates; the sql provider's
 * upserts follow the same rules):
 * - a conversation_start decides the agent and the start time; of several, the last one in
 *   logging order wins (the latest timestamp; on a tie, the one logged last);
 * - without one, the first entry decides the agent, and the start time is the earliest
 *   timestamp of its entries.
 * `create` builds the store's own conversation object around a head.
 */
export class Conversations<C extends ConversationHead> {
  private readonly byId = new Map<string, C>();

  constructor(private readonly create: (head: ConversationHead) => C) {}

  /** Conversations kept before (an index read back from disk), each under its id. */
  static of<C extends ConversationHead>(known: Iterable<C>, create: (head: ConversationHead) => C): Conversations<C> {
    const conversations = new Conversations(create);
    for (const conversation of known) conversations.byId.set(conversation.conversation_id, conversation);
    return conversations;
  }

  /** How many conversations there are. */
  get size(): number {
    return this.byId.size;
  }

  get(id: string): C | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<C> {
    return this.byId.values();
  }

  delete(id: string): void {
    this.byId.delete(id);
  }

  clear(): void {
    this.byId.clear();
  }

  /** The conversation an entry belongs to, opened with it if new. */
  of(entry: { conversation_id: string; timestamp: string; seq?: number }, agent: string | null): C {
    const known = this.byId.get(entry.conversation_id);
    if (!known) return this.open(entry.conversation_id, agent, entry.timestamp, entry.seq);
    if (!known.started && entry.timestamp < known.start_time) {
      known.start_time = entry.timestamp;
      known.start_seq = entry.seq;
    }
    return known;
  }

  /** Applies a conversation_start, unless a later one was applied already. */
  start(entry: { conversation_id: string; agent_name: string; timestamp: string; seq?: number }): C {
    const known = this.byId.get(entry.conversation_id) ?? this.open(entry.conversation_id, entry.agent_name, entry.timestamp, entry.seq);
    if (known.started && entry.timestamp < known.start_time) return known;
    known.agent_name = entry.agent_name;
    known.start_time = entry.timestamp;
    known.start_seq = entry.seq;
    known.started = true;
    return known;
  }

  private open(conversation_id: string, agent_name: string | null, start_time: string, start_seq: number | undefined): C {
    const conversation = this.create({ conversation_id, agent_name, start_time, started: false, start_seq });
    this.byId.set(conversation_id, conversation);
    return conversation;
  }
}
