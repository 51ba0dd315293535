import { isRunFact, type Entry } from './entries.js';

/**
 * Remembers which agent started each conversation, so later entries of that conversation are
 * attributed to it (SPEC §1.2). Bounded: past `capacity` conversations the least recently used
 * one is forgotten, so a long-running conversation is kept however early it started.
 */
export class AgentAttribution {
  private readonly agents = new Map<string, string>();

  constructor(private readonly capacity = 100_000) {}

  /** The agent of an entry, remembering conversation starts; null when unknown. */
  agentOf(entry: Entry): string | null {
    if (isRunFact(entry)) return entry.agent_name;
    switch (entry.type) {
      case 'conversation_start':
        this.remember(entry.conversation_id, entry.agent_name);
        return entry.agent_name;
      case 'command':
        return entry.agent_name;
      case 'message':
        return this.recall(entry.conversation_id) ?? entry.name ?? null;
      default:
        return this.recall(entry.conversation_id);
    }
  }

  /** The agent of a conversation, marking it as used (a Map keeps insertion order: re-inserted, it is the newest). */
  private recall(conversation: string): string | null {
    const agent = this.agents.get(conversation);
    if (agent === undefined) return null;
    this.agents.delete(conversation);
    this.agents.set(conversation, agent);
    return agent;
  }

  private remember(conversation: string, agent: string): void {
    this.agents.delete(conversation);
    this.agents.set(conversation, agent);
    if (this.agents.size > this.capacity) {
      const oldest = this.agents.keys().next().value;
      if (oldest !== undefined) this.agents.delete(oldest);
    }
  }
}
