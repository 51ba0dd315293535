import { isRunFact, type Entry } from './entries.js';

/** A remembered conversation, in a list from least to most recently used. */
interface Remembered {
  readonly conversation: string;
  agent: string;
  older: Remembered | null;
  newer: Remembered | null;
}

/**
 * Remembers which agent started each conversation, so later entries of that conversation are
 * attributed to it (docs/manifest.md, Agent filters). Bounded: past `capacity` conversations the least recently used
 * one is forgotten, so a long-running conversation is kept however early it started. Use is
 * tracked in a linked list, so recalling one moves two links rather than re-inserting a key.
 */
export class AgentAttribution {
  private readonly byConversation = new Map<string, Remembered>();
  private oldest: Remembered | null = null;
  private newest: Remembered | null = null;

  constructor(private readonly capacity = 100_000) {}

  /** The agent of an entry, remembering conversation starts; null when unknown. */
  agentOf(entry: Entry): string | null {
    // Messages first: they are most of what is logged.
    if (entry.type === 'message') return this.recall(entry.conversation_id) ?? entry.name ?? null;
    if (isRunFact(entry)) return entry.agent_name;
    switch (entry.type) {
      case 'conversation_start':
        this.remember(entry.conversation_id, entry.agent_name);
        return entry.agent_name;
      case 'command':
        return entry.agent_name;
      default:
        return this.recall(entry.conversation_id);
    }
  }

  /** The agent of a conversation, marking it as the most recently used. */
  private recall(conversation: string): string | null {
    const known = this.byConversation.get(conversation);
    if (known === undefined) return null;
    this.touch(known);
    return known.agent;
  }

  private remember(conversation: string, agent: string): void {
    const known = this.byConversation.get(conversation);
    if (known !== undefined) {
      known.agent = agent;
      this.touch(known);
      return;
    }
    const added: Remembered = { conversation, agent, older: this.newest, newer: null };
    if (this.newest) this.newest.newer = added;
    else this.oldest = added;
    this.newest = added;
    this.byConversation.set(conversation, added);
    if (this.byConversation.size > this.capacity && this.oldest) {
      const forgotten = this.oldest;
      this.oldest = forgotten.newer;
      if (this.oldest) this.oldest.older = null;
      else this.newest = null;
      this.byConversation.delete(forgotten.conversation);
    }
  }

  /** Moves a remembered conversation to the newest end. */
  private touch(known: Remembered): void {
    if (known === this.newest) return;
    // Not the newest, so it has a newer neighbour.
    known.newer!.older = known.older;
    if (known.older) known.older.newer = known.newer;
    else this.oldest = known.newer;
    known.older = this.newest;
    known.newer = null;
    this.newest!.newer = known;
    this.newest = known;
  }
}
