import type { Pricing } from '../core/config-schema.js';
import type { RunFactOf } from '../core/entries.js';
import { byStatsKey } from '../store/reader.js';
import type { Stats, StatsGroup, StatsGroupRow } from '../core/queries.js';
import { callCost } from './pricing.js';
import { addUsage, emptyUsage, usageOf } from './views.js';

type LlmCall = RunFactOf<'llm_call_completed'>;

function keyOf(group: StatsGroup, call: LlmCall): string {
  switch (group) {
    case 'agent':
      return call.agent_name;
    case 'model':
      return call.model;
    case 'hour':
      return `${call.timestamp.slice(0, 13)}:00Z`;
    case 'day':
      return call.timestamp.slice(0, 10);
  }
}

/**
 * Adds the LLM calls of the run log to message stats: every group gains `llm_calls`,
 * `llm_tokens` and `llm_cost` (a group with calls and no messages appears with zero messages).
 * The message fields keep their meaning, so a runtime that logs both a message and its LLM call
 * is not counted twice.
 */
export function withLlmCalls(stats: Stats, calls: readonly LlmCall[], pricing: Pricing | undefined): Stats {
  const groups = new Map<string | null, StatsGroupRow>();
  for (const row of stats.groups) groups.set(row.key, { ...row, llm_calls: 0, llm_tokens: emptyUsage(), llm_cost: 0 });
  for (const call of calls) {
    const key = keyOf(stats.group_by, call);
    let row = groups.get(key);
    if (!row) {
      row = { key, messages: 0, total_tokens: 0, prompt_tokens: 0, completion_tokens: 0, cost: 0, models: [], llm_calls: 0, llm_tokens: emptyUsage(), llm_cost: 0 };
      groups.set(key, row);
    }
    row.llm_calls! += 1;
    addUsage(row.llm_tokens!, usageOf(call));
    row.llm_cost! += callCost(call.cost_info, call.model, pricing);
  }
  return { ...stats, groups: [...groups.values()].sort(byStatsKey) };
}
