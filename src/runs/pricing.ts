import type { ModelPrice, Pricing } from '../core/config-schema.js';
import type { CostInfo } from '../core/entries.js';

/** The prices of `model`: its own key, else the key without a provider prefix (`openai/gpt-4o` → `gpt-4o`). */
export function priceOf(pricing: Pricing | undefined, model: string): ModelPrice | undefined {
  if (!pricing) return undefined;
  const own = pricing[model];
  if (own) return own;
  const slash = model.lastIndexOf('/');
  return slash === -1 ? undefined : pricing[model.slice(slash + 1)];
}

/**
 * USD cost of one LLM call's usage at `price` (per million tokens). `prompt` counts every input
 * token, cached ones included (SPEC §3.6), so the cached tokens are taken out of it before the
 * input price applies: no token is billed twice. Cache prices missing from the table default to
 * the input price, i.e. caching is assumed to neither save nor add anything. Reasoning tokens are
 * part of `completion` (as the SDKs count them) and are not added again.
 */
export function costOfUsage(usage: CostInfo['token_usage'], price: ModelPrice): number {
  const cacheRead = usage.cache_read ?? 0;
  const cacheWrite = usage.cache_write ?? 0;
  const uncached = Math.max(0, usage.prompt - cacheRead - cacheWrite);
  const micro =
    cacheRead * (price.cache_read ?? price.input) +
    cacheWrite * (price.cache_write ?? price.input) +
    uncached * price.input +
    usage.completion * price.output;
  return micro / 1e6;
}

/**
 * The cost of an LLM call: the runtime's `total_cost` when it gave one (it knows its contract
 * prices), else the pricing table's figure for the model, else 0.
 */
export function callCost(costInfo: CostInfo | undefined, model: string, pricing: Pricing | undefined): number {
  if (!costInfo) return 0;
  if (costInfo.total_cost !== undefined) return costInfo.total_cost;
  const price = priceOf(pricing, model);
  return price ? costOfUsage(costInfo.token_usage, price) : 0;
}
