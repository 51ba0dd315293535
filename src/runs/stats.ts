import type { Pricing } from '../core/config-schema.js';
import type { RunFact, RunFactOf } from '../core/entries.js';
import { byStatsKey } from '../store/reader.js';
import { emptyStatsRow } from '../core/token-sums.js';
import type { Stats, StatsGroup, StatsGroupRow } from '../core/queries.js';
import type { LlmCallQuery, LlmCallTotals, RunReader } from '../core/run-queries.js';
import { billedTokens, priceOf, priceTokens, type BilledTokens } from './pricing.js';
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

function emptyTotals(key: string | null, model: string): LlmCallTotals {
  return { key, model, calls: 0, usage: emptyUsage(), given_cost: 0, unpriced: { uncached: 0, cache_read: 0, cache_write: 0, completion: 0 } };
}

function addBilled(into: BilledTokens, tokens: BilledTokens): void {
  into.uncached += tokens.uncached;
  into.cache_read += tokens.cache_read;
  into.cache_write += tokens.cache_write;
  into.completion += tokens.completion;
}

/** LLM calls summed per stats key and model: what a provider that cannot sum them itself hands over. */
export function llmCallTotals(calls: readonly LlmCall[], group: StatsGroup): LlmCallTotals[] {
  const totals = new Map<string, LlmCallTotals>();
  for (const call of calls) {
    const key = keyOf(group, call);
    const id = JSON.stringify([key, call.model]);
    let sums = totals.get(id);
    if (!sums) totals.set(id, (sums = emptyTotals(key, call.model)));
    sums.calls += 1;
    const usage = usageOf(call);
    addUsage(sums.usage, usage);
    if (call.cost_info?.total_cost !== undefined) sums.given_cost += call.cost_info.total_cost;
    else if (call.cost_info?.token_usage) addBilled(sums.unpriced, billedTokens(call.cost_info.token_usage));
  }
  return [...totals.values()];
}

/** The LLM calls of a query, summed by the provider when it can. */
export async function readLlmCalls(reader: RunReader, query: LlmCallQuery): Promise<LlmCallTotals[]> {
  if (reader.llmCalls) return reader.llmCalls(query);
  const facts: RunFact[] = await reader.facts({ types: ['llm_call_completed'], since: query.since, until: query.until, agent: query.agent });
  return llmCallTotals(facts as LlmCall[], query.group_by);
}

/** USD of summed calls: the given costs, plus the unpriced usage at the model's prices. */
function costOf(totals: LlmCallTotals, pricing: Pricing | undefined): number {
  const price = priceOf(pricing, totals.model);
  return totals.given_cost + (price ? priceTokens(totals.unpriced, price) : 0);
}

function emptyRow(key: string | null): StatsGroupRow {
  return { ...emptyStatsRow(key), llm_calls: 0, llm_tokens: emptyUsage(), llm_cost: 0 };
}

/**
 * Adds the LLM calls of the run log to message stats: every group gains `llm_calls`,
 * `llm_tokens` and `llm_cost` (a group with calls and no messages appears with zero messages).
 * The message fields keep their meaning, so a runtime that logs both a message and its LLM call
 * is not counted twice.
 */
export function withLlmCalls(stats: Stats, calls: readonly LlmCallTotals[], pricing: Pricing | undefined): Stats {
  const groups = new Map<string | null, StatsGroupRow>();
  for (const row of stats.groups) groups.set(row.key, { ...row, llm_calls: 0, llm_tokens: emptyUsage(), llm_cost: 0 });
  for (const totals of calls) {
    let row = groups.get(totals.key);
    if (!row) groups.set(totals.key, (row = emptyRow(totals.key)));
    row.llm_calls! += totals.calls;
    addUsage(row.llm_tokens!, totals.usage);
    row.llm_cost! += costOf(totals, pricing);
  }
  return { ...stats, groups: [...groups.values()].sort(byStatsKey) };
}
