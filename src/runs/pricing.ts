import type { ModelPrice, Pricing } from '../core/config-schema.js';
import type { CostInfo, TokenUsage } from '../core/entries.js';

/** The prices of `model`: its own key, else the key without a provider prefix (`openai/gpt-4o` → `gpt-4o`). */
export function priceOf(pricing: Pricing | undefined, model: string): ModelPrice | undefined {
  if (!pricing) return undefined;
  const own = pricing[model];
  if (own) return own;
  const slash = model.lastIndexOf('/');
  return slash === -1 ? undefined : pricing[model.slice(slash + 1)];
}

/** Tokens as they are billed: input split into uncached and cached (read, written), and output. */
export interface BilledTokens {
  uncached: number;
  cache_read: number;
  cache_write: number;
  completion: number;
}

/**
 * How an LLM call's usage is billed. `prompt` counts every input token, cached ones included
 * (docs/runs.md), so the cached tokens are taken out of it before the input price applies: no token
 * is billed twice. Reasoning tokens are part of `completion` (as the SDKs count them) and are not
 * added again.
 */
export function billedTokens(usage: TokenUsage): BilledTokens {
  const cache_read = usage.cache_read ?? 0;
  const cache_write = usage.cache_write ?? 0;
  return { uncached: Math.max(0, usage.prompt - cache_read - cache_write), cache_read, cache_write, completion: usage.completion };
}

/**
 * USD of billed tokens at `price` (per million tokens). Cache prices missing from the table
 * default to the input price, i.e. caching is assumed to neither save nor add anything.
 */
export function priceTokens(tokens: BilledTokens, price: ModelPrice): number {
  const micro =
    tokens.cache_read * (price.cache_read ?? price.input) +
    tokens.cache_write * (price.cache_write ?? price.input) +
    tokens.uncached * price.input +
    tokens.completion * price.output;
  return micro / 1e6;
}

/** USD cost of one LLM call's usage at `price` (per million tokens). */
export function costOfUsage(usage: TokenUsage, price: ModelPrice): number {
  return priceTokens(billedTokens(usage), price);
}

/**
 * The cost of an LLM call: the runtime's `total_cost` when it gave one (it knows its contract
 * prices), else the pricing table's figure for the model, else 0.
 */
export function callCost(costInfo: CostInfo | undefined, model: string, pricing: Pricing | undefined): number {
  if (!costInfo) return 0;
  if (costInfo.total_cost !== undefined) return costInfo.total_cost;
  const price = priceOf(pricing, model);
  return price && costInfo.token_usage ? costOfUsage(costInfo.token_usage, price) : 0;
}
