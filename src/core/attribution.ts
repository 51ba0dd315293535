import { isRunFact, type Entry } from './entries.js';

/**
 * Remembers which agent started each conversation, so later entries of that conversation are
 * attributed to it (SPEC §1.2). Bounded: past `capacity` conversations the least recently
 * started one is forgotten.
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
        return this.agents.get(entry.conversation_id) ?? entry.name ?? null;
      default:
        return this.agents.get(entry.conversation_id) ?? null;
    }
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
