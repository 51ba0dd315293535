/**
 * Vercel AI SDK callback payloads, written by hand in the shapes `generateText` / `streamText`
 * pass to `onStepFinish` and `onFinish`. They are JavaScript objects rather than JSON, since the
 * SDK hands over Dates, Error instances and getters.
 */

const headers = { 'content-type': 'application/json', 'x-request-id': 'req_7f3c2a9e' };

/** v5, OpenAI Responses: the model calls two tools; one returns, one throws. */
export const v5ToolStep = {
  content: [
    { type: 'tool-call', toolCallId: 'call_Kd7Wm2Pq', toolName: 'getWeather', input: { city: 'Oslo' } },
    { type: 'tool-call', toolCallId: 'call_Rt4Xn9Zs', toolName: 'bookTable', input: { restaurant: 'Maaemo', people: 4 } },
    { type: 'tool-result', toolCallId: 'call_Kd7Wm2Pq', toolName: 'getWeather', input: { city: 'Oslo' }, output: { tempC: -3, sky: 'snow' } },
    { type: 'tool-error', toolCallId: 'call_Rt4Xn9Zs', toolName: 'bookTable', input: { restaurant: 'Maaemo', people: 4 }, error: new Error('fully booked') },
  ],
  text: '',
  reasoning: [],
  reasoningText: undefined,
  files: [],
  sources: [],
  toolCalls: [
    { type: 'tool-call', toolCallId: 'call_Kd7Wm2Pq', toolName: 'getWeather', input: { city: 'Oslo' } },
    { type: 'tool-call', toolCallId: 'call_Rt4Xn9Zs', toolName: 'bookTable', input: { restaurant: 'Maaemo', people: 4 } },
  ],
  toolResults: [{ type: 'tool-result', toolCallId: 'call_Kd7Wm2Pq', toolName: 'getWeather', input: { city: 'Oslo' }, output: { tempC: -3, sky: 'snow' } }],
  finishReason: 'tool-calls',
  usage: { inputTokens: 1480, outputTokens: 96, totalTokens: 1576, reasoningTokens: 64, cachedInputTokens: 1152 },
  warnings: [],
  request: { body: '{"model":"gpt-5-mini"}' },
  response: { id: 'resp_0a1b2c3d4e5f', timestamp: new Date('2026-11-23T10:00:01.200Z'), modelId: 'gpt-5-mini-2025-08-07', headers, messages: [] },
  providerMetadata: { openai: { responseId: 'resp_0a1b2c3d4e5f', serviceTier: 'default' } },
};

/** v5, the step after the tools ran: the answer. */
export const v5TextStep = {
  content: [{ type: 'text', text: 'It is snowing in Oslo (−3 °C) and Maaemo is fully booked.' }],
  text: 'It is snowing in Oslo (−3 °C) and Maaemo is fully booked.',
  reasoning: [],
  files: [],
  sources: [],
  toolCalls: [],
  toolResults: [],
  finishReason: 'stop',
  usage: { inputTokens: 1702, outputTokens: 41, totalTokens: 1743, reasoningTokens: 0, cachedInputTokens: 1536 },
  warnings: [],
  request: {},
  response: { id: 'resp_6f7a8b9c0d1e', timestamp: new Date('2026-11-23T10:00:03.900Z'), modelId: 'gpt-5-mini-2025-08-07', headers, messages: [] },
  providerMetadata: { openai: { responseId: 'resp_6f7a8b9c0d1e', serviceTier: 'default' } },
};

/** v5 `onFinish` of the two-step run: the last step's fields, the run's totals, and every step. */
export const v5Finish = {
  ...v5TextStep,
  totalUsage: { inputTokens: 3182, outputTokens: 137, totalTokens: 3319, reasoningTokens: 64, cachedInputTokens: 2688 },
  steps: [v5ToolStep, v5TextStep],
};

/** v5 through @ai-sdk/anthropic: inputTokens is Anthropic's uncached input_tokens. */
export const v5AnthropicStep = {
  content: [{ type: 'text', text: 'The diff looks safe to merge.' }],
  text: 'The diff looks safe to merge.',
  toolCalls: [],
  toolResults: [],
  finishReason: 'stop',
  usage: { inputTokens: 212, outputTokens: 58, totalTokens: 270, cachedInputTokens: 4096 },
  response: { id: 'msg_01Vb3Hn8QwZx', timestamp: new Date('2026-11-23T10:05:00.000Z'), modelId: 'claude-sonnet-4-5-20250929', headers, messages: [] },
  providerMetadata: {
    anthropic: {
      usage: { input_tokens: 212, output_tokens: 58, cache_creation_input_tokens: 512, cache_read_input_tokens: 4096 },
      cacheCreationInputTokens: 512,
      stopSequence: null,
    },
  },
};

/** v4: `args` / `result`, `promptTokens`, and cache counts in provider metadata. */
export const v4OpenAIStep = {
  stepType: 'initial',
  text: 'Checking the calendar.',
  reasoning: undefined,
  toolCalls: [{ type: 'tool-call', toolCallId: 'call_v4Cal1', toolName: 'calendar', args: { day: '2026-11-24' } }],
  toolResults: [{ type: 'tool-result', toolCallId: 'call_v4Cal1', toolName: 'calendar', args: { day: '2026-11-24' }, result: ['09:00 standup', '14:00 review'] }],
  finishReason: 'tool-calls',
  usage: { promptTokens: 920, completionTokens: 35, totalTokens: 955 },
  warnings: undefined,
  response: { id: 'chatcmpl-v4Abc123', timestamp: new Date('2026-11-23T10:10:00.000Z'), modelId: 'gpt-4o-2024-08-06', headers, messages: [] },
  providerMetadata: { openai: { cachedPromptTokens: 768, reasoningTokens: 0, acceptedPredictionTokens: 0, rejectedPredictionTokens: 0 } },
  isContinued: false,
};

/** v4 through @ai-sdk/anthropic: promptTokens exclude the cache, counted in metadata. */
export const v4AnthropicStep = {
  stepType: 'initial',
  text: 'Done.',
  toolCalls: [],
  toolResults: [],
  finishReason: 'stop',
  usage: { promptTokens: 30, completionTokens: 3, totalTokens: 33 },
  response: { id: 'msg_01v4Xyz', timestamp: new Date('2026-11-23T10:15:00.000Z'), modelId: 'claude-3-5-sonnet-20241022', headers, messages: [] },
  providerMetadata: { anthropic: { cacheCreationInputTokens: 0, cacheReadInputTokens: 2000 } },
};

/** v4 when the provider reported no usage: the SDK fills in NaN. */
export const v4NoUsageStep = {
  text: 'ok',
  toolCalls: [],
  toolResults: [],
  finishReason: 'stop',
  usage: { promptTokens: Number.NaN, completionTokens: Number.NaN, totalTokens: Number.NaN },
  response: { id: 'gen-local-1', timestamp: new Date('2026-11-23T10:20:00.000Z'), modelId: 'llama3.1:8b' },
};

/** v6: inputTokens counts the cache, broken out in inputTokenDetails. */
export const v6Step = {
  content: [{ type: 'text', text: 'Summary ready.' }],
  text: 'Summary ready.',
  toolCalls: [{ type: 'tool-call', toolCallId: 'toolu_v6Sum', toolName: 'saveSummary', input: '{"title":"Weekly"', invalid: true }],
  toolResults: [],
  finishReason: 'tool-calls',
  usage: {
    inputTokens: 5300,
    inputTokenDetails: { noCacheTokens: 180, cacheReadTokens: 4096, cacheWriteTokens: 1024 },
    outputTokens: 220,
    outputTokenDetails: { textTokens: 120, reasoningTokens: 100 },
    totalTokens: 5520,
    reasoningTokens: 100,
    cachedInputTokens: 4096,
  },
  response: { id: 'msg_01v6Qrs', timestamp: new Date('2026-11-23T10:25:00.000Z'), modelId: 'claude-sonnet-4-5-20250929', headers, messages: [] },
  providerMetadata: { anthropic: { cacheCreationInputTokens: 1024 } },
};

/** v6 when the provider reported no usage: the counts are undefined, but the details are always sent. */
export const v6NoUsageStep = {
  content: [{ type: 'text', text: 'ok' }],
  text: 'ok',
  toolCalls: [],
  toolResults: [],
  finishReason: 'stop',
  usage: {
    inputTokens: undefined,
    inputTokenDetails: { noCacheTokens: undefined, cacheReadTokens: undefined, cacheWriteTokens: undefined },
    outputTokens: undefined,
    outputTokenDetails: { textTokens: undefined, reasoningTokens: undefined },
    totalTokens: undefined,
  },
  response: { id: 'gen-local-6', timestamp: new Date('2026-11-23T10:30:00.000Z'), modelId: 'llama3.1:8b', headers, messages: [] },
  providerMetadata: undefined,
};

/** v7 with a provider that reports no usage at all: the details come as `{}`. */
export const v7NoUsageStep = { ...v6NoUsageStep, usage: { inputTokenDetails: {}, outputTokenDetails: {} } };

/**
 * v7 `onStepEnd` (the renamed `onStepFinish`): a v6 step plus the call id, step number, model
 * and performance figures.
 */
export const v7StepEnd = {
  callId: 'call-7f3c',
  stepNumber: 0,
  model: { provider: 'openai.responses', modelId: 'gpt-5-mini' },
  content: [{ type: 'tool-call', toolCallId: 'call_v7Wx', toolName: 'getWeather', input: { city: 'Bergen' } }],
  text: '',
  reasoning: [],
  reasoningText: undefined,
  files: [],
  sources: [],
  toolCalls: [{ type: 'tool-call', toolCallId: 'call_v7Wx', toolName: 'getWeather', input: { city: 'Bergen' } }],
  toolResults: [{ type: 'tool-result', toolCallId: 'call_v7Wx', toolName: 'getWeather', input: { city: 'Bergen' }, output: { tempC: 6, sky: 'rain' } }],
  finishReason: 'tool-calls',
  rawFinishReason: 'completed',
  usage: {
    inputTokens: 900,
    inputTokenDetails: { noCacheTokens: 132, cacheReadTokens: 768, cacheWriteTokens: undefined },
    outputTokens: 70,
    outputTokenDetails: { textTokens: 22, reasoningTokens: 48 },
    totalTokens: 970,
  },
  performance: { responseTimeMs: 1830, effectiveOutputTokensPerSecond: 38.2 },
  warnings: [],
  request: {},
  response: { id: 'resp_v7a1', timestamp: new Date('2026-11-23T11:00:01.830Z'), modelId: 'gpt-5-mini-2025-08-07', headers, messages: [] },
  providerMetadata: { openai: { responseId: 'resp_v7a1', serviceTier: 'default' } },
};

/** v7's second step, the answer. */
export const v7StepEndAnswer = {
  ...v7StepEnd,
  stepNumber: 1,
  content: [{ type: 'text', text: 'Rain in Bergen, 6 °C.' }],
  text: 'Rain in Bergen, 6 °C.',
  toolCalls: [],
  toolResults: [],
  finishReason: 'stop',
  rawFinishReason: 'completed',
  usage: {
    inputTokens: 1010,
    inputTokenDetails: { noCacheTokens: 242, cacheReadTokens: 768, cacheWriteTokens: undefined },
    outputTokens: 12,
    outputTokenDetails: { textTokens: 12, reasoningTokens: 0 },
    totalTokens: 1022,
  },
  response: { id: 'resp_v7b2', timestamp: new Date('2026-11-23T11:00:03.100Z'), modelId: 'gpt-5-mini-2025-08-07', headers, messages: [] },
  providerMetadata: { openai: { responseId: 'resp_v7b2', serviceTier: 'default' } },
};

/** v7 `onEnd` (the renamed `onFinish`): the last step's fields, the run's totals, every step and the final step. */
export const v7End = {
  ...v7StepEndAnswer,
  totalUsage: { inputTokens: 1910, outputTokens: 82, totalTokens: 1992, inputTokenDetails: {}, outputTokenDetails: {} },
  responseMessages: [],
  steps: [v7StepEnd, v7StepEndAnswer],
  finalStep: v7StepEndAnswer,
};
