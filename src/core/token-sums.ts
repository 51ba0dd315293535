import type { CostInfo } from './entries.js';
import type { StatsGroupRow, TokenTotals } from './queries.js';

/** Token totals of no messages. */
export function emptyTokenTotals(): TokenTotals {
  return { total: 0, prompt: 0, completion: 0, cache_read: 0, cache_write: 0, reasoning: 0 };
}

/** Adds a message's token usage to conversation totals (no usage adds nothing). */
export function addTokens(into: TokenTotals, usage: NonNullable<CostInfo['token_usage']> | undefined): void {
  if (!usage) return;
  into.total += usage.total;
  into.prompt += usage.prompt;
  into.completion += usage.completion;
  into.cache_read += usage.cache_read ?? 0;
  into.cache_write += usage.cache_write ?? 0;
  into.reasoning += usage.reasoning ?? 0;
}

/** A stats group with nothing counted yet. */
export function emptyStatsRow(key: string | null): StatsGroupRow {
  return { key, messages: 0, total_tokens: 0, prompt_tokens: 0, completion_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, cost: 0, models: [] };
}

/** Adds a message's usage and cost to a stats group (its message count is the caller's). */
export function addToStats(into: StatsGroupRow, cost: CostInfo | undefined): void {
  if (!cost) return;
  const usage = cost.token_usage;
  if (usage) {
    into.total_tokens += usage.total;
    into.prompt_tokens += usage.prompt;
    into.completion_tokens += usage.completion;
    into.cache_read_tokens += usage.cache_read ?? 0;
    into.cache_write_tokens += usage.cache_write ?? 0;
    into.reasoning_tokens += usage.reasoning ?? 0;
  }
  into.cost += cost.total_cost ?? 0;
}

/** The token and cost sums of one stats group added to another's (models are the caller's). */
export function addStatsSums(into: StatsGroupRow, from: StatsGroupRow): void {
  into.messages += from.messages;
  into.total_tokens += from.total_tokens;
  into.prompt_tokens += from.prompt_tokens;
  into.completion_tokens += from.completion_tokens;
  into.cache_read_tokens += from.cache_read_tokens;
  into.cache_write_tokens += from.cache_write_tokens;
  into.reasoning_tokens += from.reasoning_tokens;
  into.cost += from.cost;
}
