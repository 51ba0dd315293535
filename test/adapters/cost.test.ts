import { describe, expect, it } from 'vitest';
import { fromAiSdkFinish, fromAiSdkStep, fromAnthropic, fromOpenAIChat, fromOpenAIResponses, type AdapterOptions, type MessageInput } from '../../src/index.js';
import { v4NoUsageStep, v5TextStep, v6NoUsageStep, v7NoUsageStep } from './payloads/ai-sdk.js';
import { expectValid } from './payloads.js';

// One response without usage per path: each direct adapter, and every AI SDK version.
const withoutUsage: Record<string, (options: AdapterOptions) => MessageInput> = {
  'OpenAI chat': (o) => fromOpenAIChat({ id: 'a', model: 'gpt-4o', choices: [{ message: { content: 'hi' } }] }, o)[0],
  'OpenAI Responses': (o) => fromOpenAIResponses({ id: 'b', model: 'gpt-4.1', output: [] }, o)[0],
  Anthropic: (o) => fromAnthropic({ id: 'c', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'hi' }], usage: null }, o)[0],
  'AI SDK v4': (o) => fromAiSdkStep(v4NoUsageStep, o)[0],
  'AI SDK v5': (o) => fromAiSdkStep({ ...v5TextStep, usage: { inputTokens: undefined, outputTokens: undefined, totalTokens: undefined } }, o)[0],
  'AI SDK v6': (o) => fromAiSdkStep(v6NoUsageStep, o)[0],
  'AI SDK v7': (o) => fromAiSdkStep(v7NoUsageStep, o)[0],
  'AI SDK finish': (o) => fromAiSdkFinish({ steps: [v7NoUsageStep] }, o)[0] as MessageInput,
};

describe("the caller's cost, one rule on every path", () => {
  for (const [path, adapt] of Object.entries(withoutUsage)) {
    it(`${path}: kept as total_cost without token usage; no cost_info when neither is known`, () => {
      const priced = adapt({ conversation_id: 'c', cost: 0.0042 });
      expect(priced.cost_info).toEqual({ total_cost: 0.0042 });
      expectValid([priced]);
      expect(adapt({ conversation_id: 'c' })).not.toHaveProperty('cost_info');
    });
  }
});
