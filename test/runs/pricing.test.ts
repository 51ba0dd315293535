import { describe, expect, it } from 'vitest';
import { callCost, costOfUsage, createHistorian, ManifestError, parseManifest, priceOf } from '../../src/index.js';

// USD per million tokens, as in a manifest's `storage.pricing`.
const SONNET = { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 };

describe('pricing (SPEC §3.6)', () => {
  it('bills cached tokens at their own prices and never twice', () => {
    // prompt counts every input token: 10,000 = 6,000 read from cache + 1,000 written + 3,000 plain.
    const usage = { total: 10_500, prompt: 10_000, completion: 500, cache_read: 6_000, cache_write: 1_000 };
    // By hand: 6,000 × 0.30 = 1,800; 1,000 × 3.75 = 3,750; 3,000 × 3 = 9,000; 500 × 15 = 7,500.
    // (1,800 + 3,750 + 9,000 + 7,500) / 1e6 = 0.02205 USD.
    expect(costOfUsage(usage, SONNET)).toBeCloseTo(0.02205, 12);
    // Billing the 6,000 cached tokens again at the input price would have added 0.018.
    expect(costOfUsage(usage, SONNET)).toBeLessThan(0.02205 + 0.018);
  });

  it('bills cache tokens at the input price when the table has no cache prices', () => {
    const usage = { total: 2_100, prompt: 2_000, completion: 100, cache_read: 1_500 };
    // By hand: 1,500 × 2.5 + 500 × 2.5 + 100 × 10 = 3,750 + 1,250 + 1,000 = 6,000 → 0.006 USD.
    expect(costOfUsage(usage, { input: 2.5, output: 10 })).toBeCloseTo(0.006, 12);
  });

  it('floors the uncached input at zero when the cache counts exceed the prompt', () => {
    const usage = { total: 150, prompt: 100, completion: 50, cache_read: 80, cache_write: 40 };
    // By hand: 80 × 0.30 + 40 × 3.75 + 0 × 3 + 50 × 15 = 24 + 150 + 0 + 750 = 924 → 0.000924 USD.
    expect(costOfUsage(usage, SONNET)).toBeCloseTo(0.000924, 12);
  });

  it('lets the runtime-given cost win, and prices nothing it does not know', () => {
    const usage = { total: 1_500, prompt: 1_000, completion: 500 };
    expect(callCost({ token_usage: usage, total_cost: 0.5 }, 'claude', { claude: SONNET })).toBe(0.5);
    // By hand: 1,000 × 3 + 500 × 15 = 10,500 → 0.0105 USD.
    expect(callCost({ token_usage: usage }, 'claude', { claude: SONNET })).toBeCloseTo(0.0105, 12);
    expect(callCost({ token_usage: usage }, 'unknown-model', { claude: SONNET })).toBe(0);
    expect(callCost(undefined, 'claude', { claude: SONNET })).toBe(0);
  });

  it('finds a model by its name without the provider prefix', () => {
    expect(priceOf({ 'gpt-4o': { input: 2.5, output: 10 } }, 'openai/gpt-4o')).toEqual({ input: 2.5, output: 10 });
    expect(priceOf({ 'openai/gpt-4o': { input: 1, output: 2 }, 'gpt-4o': { input: 2.5, output: 10 } }, 'openai/gpt-4o')).toEqual({ input: 1, output: 2 });
  });

  it('prices a logged run from the manifest', async () => {
    const historian = await createHistorian({ providers: [{ type: 'memory' }], pricing: { 'claude-sonnet-4': SONNET } });
    const fact = { session_id: 's', run_id: 'r', agent_name: 'a' };
    historian.log({ type: 'run_started', ...fact, user_input: 'hi' });
    const usage = { prompt: 10_000, completion: 500, cache_read: 6_000, cache_write: 1_000 };
    historian.log({ type: 'llm_call_completed', ...fact, call_id: 'c1', model: 'anthropic/claude-sonnet-4', cost_info: { token_usage: usage } });
    historian.log({ type: 'run_finished', ...fact, response: 'bye' });
    await historian.flush();
    const run = await historian.history().run('r');
    expect(run!.cost).toBeCloseTo(0.02205, 12);
    expect(run!.token_usage).toEqual({ total: 10_500, prompt: 10_000, completion: 500, cache_read: 6_000, cache_write: 1_000 });
    await historian.close();
  });

  it('rejects a bad pricing table at load time, naming the key', () => {
    const text = 'storage:\n  pricing:\n    gpt-4o: {input: -1, output: 10, cache_reads: 1}\n';
    try {
      parseManifest(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      const paths = (error as ManifestError).issues.map((issue) => issue.path);
      expect(paths).toEqual(expect.arrayContaining(['storage.pricing.gpt-4o.input', 'storage.pricing.gpt-4o.cache_reads']));
      expect((error as ManifestError).message).toContain('cache_read');
    }
  });
});
