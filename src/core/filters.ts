import type { EntryType } from './entries.js';
import { FLAG_NAMES, type FlagName } from './config-schema.js';

/** The agent set a provider admits: null admits everyone, an empty set nobody. */
export type AgentSet = ReadonlySet<string> | null;

type AgentList = readonly string[] | null | undefined;

/** The effective agent set of one provider (docs/manifest.md, Agent filters), from the global list and its own. */
export function effectiveAgents(mode: 'and' | 'override', global: AgentList, own: AgentList): AgentSet {
  const g = global ?? null;
  const p = own ?? null;
  if (mode === 'override') {
    const chosen = p ?? g;
    return chosen === null ? null : new Set(chosen);
  }
  if (g === null) return p === null ? null : new Set(p);
  if (p === null) return new Set(g);
  const mine = new Set(p);
  return new Set(g.filter((agent) => mine.has(agent)));
}

/** The six flags of one provider: the global flag AND its own, each defaulting to true. */
export function effectiveFlags(
  storage: Partial<Record<FlagName, boolean | undefined>>,
  own: Partial<Record<FlagName, boolean | undefined>>,
): Record<FlagName, boolean> {
  return Object.fromEntries(FLAG_NAMES.map((flag) => [flag, (storage[flag] ?? true) && (own[flag] ?? true)])) as Record<
    FlagName,
    boolean
  >;
}

/** Which flag governs each entry type. */
export const FLAG_OF_TYPE: Record<EntryType, FlagName> = {
  message: 'log_messages',
  conversation_start: 'log_conversations',
  tool_call: 'log_tool_calls',
  command: 'log_commands',
  context: 'log_context',
  run_started: 'log_runs',
  run_finished: 'log_runs',
  run_failed: 'log_runs',
  llm_call_started: 'log_runs',
  llm_call_completed: 'log_runs',
  termination_decided: 'log_runs',
  tool_call_started: 'log_runs',
  tool_call_completed: 'log_runs',
  run_rolled_back: 'log_runs',
};

/** The entry types a provider with these flags logs. */
export function admittedTypes(flags: Record<FlagName, boolean>): ReadonlySet<EntryType> {
  return new Set((Object.keys(FLAG_OF_TYPE) as EntryType[]).filter((type) => flags[FLAG_OF_TYPE[type]]));
}

/** Whether an entry of `agent` (null when unknown) passes an agent set. */
export function admitsAgent(agents: AgentSet, agent: string | null): boolean {
  return agents === null || (agent !== null && agents.has(agent));
}
