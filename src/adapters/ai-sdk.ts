import { tokens, tokenUsage, toEntries } from './common.js';
import { checkInput, isThenable, type Expected } from './mistakes.js';
import type { AdaptedEntries, AdapterOptions, MessageInput, NeutralToolCall, TokenUsageInput, ToolCallInput } from './types.js';

// Optional fields also take `undefined`: the SDK declares most of them `x: T | undefined`, which
// callers with exactOptionalPropertyTypes could not pass to `x?: T`.

/** A tool call of the Vercel AI SDK: `input` since v5, `args` in v4. */
export interface AiSdkToolCallLike {
  toolCallId: string;
  toolName: string;
  input?: unknown;
  args?: unknown;
}

/** A tool result of the Vercel AI SDK: `output` since v5, `result` in v4. */
export interface AiSdkToolResultLike {
  toolCallId: string;
  output?: unknown;
  result?: unknown;
}

/** Usage as the AI SDK reports it: v4 (`promptTokens`), v5 (`inputTokens`) or v6/v7 (with token details). */
export interface AiSdkUsageLike {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  totalTokens?: number | undefined;
  cachedInputTokens?: number | undefined;
  reasoningTokens?: number | undefined;
  inputTokenDetails?:
    | { noCacheTokens?: number | undefined; cacheReadTokens?: number | undefined; cacheWriteTokens?: number | undefined }
    | undefined;
  outputTokenDetails?: { textTokens?: number | undefined; reasoningTokens?: number | undefined } | undefined;
  promptTokens?: number | undefined;
  completionTokens?: number | undefined;
}

/** The parts of an AI SDK step (`onStepFinish` / v7 `onStepEnd`, or one of `steps`) the adapter reads. */
export interface AiSdkStepLike {
  text?: string | undefined;
  toolCalls?: ReadonlyArray<AiSdkToolCallLike> | undefined;
  toolResults?: ReadonlyArray<AiSdkToolResultLike> | undefined;
  /** v5 content parts, read for `tool-error` parts: tools that threw have no tool result. */
  content?: ReadonlyArray<{ type: string; toolCallId?: string | undefined; error?: unknown }> | undefined;
  usage?: AiSdkUsageLike | undefined;
  response?: { id?: string | undefined; modelId?: string | undefined } | undefined;
  providerMetadata?: Record<string, Record<string, unknown> | undefined> | undefined;
  /** `stop`, `length`, `content-filter`, `tool-calls`… */
  finishReason?: string | undefined;
  /** The reasoning text since v5 (`reasoning` holds its parts); v4 has the text in `reasoning`. */
  reasoningText?: string | undefined;
  reasoning?: unknown;
  /** v7: what the SDK measured of the call. */
  performance?: { responseTimeMs?: number | undefined } | undefined;
}

/** The parts of an AI SDK `onFinish` (v7 `onEnd`) event the adapter reads: a step, plus every step of the run. */
export interface AiSdkFinishLike extends AiSdkStepLike {
  steps?: ReadonlyArray<AiSdkStepLike> | undefined;
}

const STEP_FIELDS = ['text', 'toolCalls', 'toolResults', 'content', 'usage', 'response', 'steps'];

function expected(adapter: string): Expected {
  return {
    adapter,
    what: 'an AI SDK step or finish event',
    fits: (value) => STEP_FIELDS.some((field) => field in value),
    recognise: (value) => {
      if (isThenable(value.steps) || isThenable(value.text) || isThenable(value.usage)) {
        return 'got a streamText result, whose fields are promises; log in onStepFinish / onFinish (onStepEnd / onEnd in v7), or pass { steps: await result.steps }';
      }
      if (typeof value.type !== 'string') return undefined;
      return `got a stream part (${value.type}), not a step; pass the step of onStepFinish (onStepEnd in v7) or the event of onFinish (onEnd in v7)`;
    },
    stream: 'pass the step of onStepFinish (onStepEnd in v7) or the event of onFinish (onEnd in v7), not the stream',
  };
}

const STEP = expected('fromAiSdkStep');
const FINISH = expected('fromAiSdkFinish');

// v6 counts cached tokens inside inputTokens and breaks them out in inputTokenDetails. It always
// sends the details, as `{}` or with undefined counts when the provider reported no usage.
function v6Usage(usage: AiSdkUsageLike): TokenUsageInput | undefined {
  const details = usage.inputTokenDetails ?? {};
  const cacheRead = tokens(details.cacheReadTokens);
  const cacheWrite = tokens(details.cacheWriteTokens);
  const uncached = tokens(details.noCacheTokens);
  const parts = uncached === undefined && cacheRead === undefined && cacheWrite === undefined ? undefined : (uncached ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const prompt = tokens(usage.inputTokens) ?? parts;
  const completion = tokens(usage.outputTokens);
  if (prompt === undefined && completion === undefined) return undefined;
  return tokenUsage({
    prompt: prompt ?? 0,
    completion: completion ?? 0,
    total: tokens(usage.totalTokens),
    cache_read: cacheRead,
    cache_write: cacheWrite,
    reasoning: tokens(usage.outputTokenDetails?.reasoningTokens) ?? tokens(usage.reasoningTokens),
  });
}

// v5's Anthropic provider passes Anthropic's uncached input_tokens through as inputTokens, so the
// cached ones are added back; the other providers already count them in inputTokens.
function v5Usage(usage: AiSdkUsageLike, anthropic: Record<string, unknown> | undefined): TokenUsageInput | undefined {
  const input = tokens(usage.inputTokens);
  const completion = tokens(usage.outputTokens);
  if (input === undefined && completion === undefined) return undefined;
  const cacheRead = tokens(usage.cachedInputTokens);
  const cacheWrite = anthropic ? tokens(anthropic.cacheCreationInputTokens) : undefined;
  const prompt = (input ?? 0) + (anthropic ? (cacheRead ?? 0) + (cacheWrite ?? 0) : 0);
  return tokenUsage({
    prompt,
    completion: completion ?? 0,
    total: anthropic ? undefined : tokens(usage.totalTokens),
    cache_read: cacheRead,
    cache_write: cacheWrite,
    reasoning: tokens(usage.reasoningTokens),
  });
}

// v4 reports cache and reasoning counts only in provider metadata; Anthropic's promptTokens exclude the cache.
function v4Usage(usage: AiSdkUsageLike, metadata: AiSdkStepLike['providerMetadata']): TokenUsageInput | undefined {
  const prompt = tokens(usage.promptTokens);
  const completion = tokens(usage.completionTokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const anthropic = metadata?.anthropic;
  const openai = metadata?.openai;
  const cacheRead = tokens(anthropic?.cacheReadInputTokens) ?? tokens(openai?.cachedPromptTokens);
  const cacheWrite = tokens(anthropic?.cacheCreationInputTokens);
  return tokenUsage({
    prompt: (prompt ?? 0) + (anthropic ? (cacheRead ?? 0) + (cacheWrite ?? 0) : 0),
    completion: completion ?? 0,
    total: anthropic ? undefined : tokens(usage.totalTokens),
    cache_read: cacheRead,
    cache_write: cacheWrite,
    reasoning: tokens(openai?.reasoningTokens),
  });
}

/** Normalises AI SDK usage of any version to historian's shape, where `prompt` includes cached tokens. */
export function aiSdkUsage(step: AiSdkStepLike): TokenUsageInput | undefined {
  const usage = step.usage;
  if (!usage) return undefined;
  if (usage.inputTokenDetails) return v6Usage(usage);
  if (usage.promptTokens !== undefined || usage.completionTokens !== undefined) return v4Usage(usage, step.providerMetadata);
  return v5Usage(usage, step.providerMetadata?.anthropic);
}

// The provider is named only by the metadata key, and only when there is exactly one.
function providerOf(step: AiSdkStepLike): string | undefined {
  const keys = Object.keys(step.providerMetadata ?? {});
  return keys.length === 1 ? keys[0] : undefined;
}

function errorValue(error: unknown): unknown {
  return error instanceof Error ? error.message : error;
}

function stepToolCalls(step: AiSdkStepLike): NeutralToolCall[] {
  const results = new Map<string, unknown>();
  for (const result of step.toolResults ?? []) results.set(result.toolCallId, result.output !== undefined ? result.output : result.result);
  for (const part of step.content ?? []) {
    if (part.type === 'tool-error' && part.toolCallId) results.set(part.toolCallId, { error: errorValue(part.error) });
  }
  return (step.toolCalls ?? []).map((call) => ({
    id: call.toolCallId,
    name: call.toolName,
    args: call.input !== undefined ? call.input : call.args,
    result: results.get(call.toolCallId),
  }));
}

/**
 * Entries for one step of the Vercel AI SDK (the `onStepFinish` payload of `generateText` or
 * `streamText`, v4 to v7, called `onStepEnd` in v7): the assistant message with the step's
 * text, and one tool call per tool call of the step, with its result when the SDK ran the tool
 * (`{ error }` when it threw). The model is prefixed with the provider named by
 * `providerMetadata` unless `provider` is given. A step without usage has no `token_usage`.
 *
 * ```ts
 * const startedAt = Date.now();
 * await generateText({ model, tools, prompt, onStepFinish: (step) => {
 *   for (const entry of fromAiSdkStep(step, { conversation_id: 'c1', provider: 'openai' })) historian.log(entry);
 * } });
 * ```
 */
export function fromAiSdkStep(step: AiSdkStepLike, options: AdapterOptions): AdaptedEntries {
  checkInput(step, STEP);
  return toEntries(
    {
      id: step.response?.id,
      content: step.text ?? '',
      model: step.response?.modelId,
      provider: providerOf(step),
      usage: aiSdkUsage(step),
      toolCalls: stepToolCalls(step),
      finishReason: step.finishReason,
      reasoning: stepReasoning(step),
      responseTimeMs: step.performance?.responseTimeMs,
    },
    options,
  );
}

/** The reasoning text of a step: `reasoningText` (v5+), or `reasoning` as text (v4) or as parts. */
function stepReasoning(step: AiSdkStepLike): string | undefined {
  if (step.reasoningText) return step.reasoningText;
  if (typeof step.reasoning === 'string') return step.reasoning || undefined;
  if (!Array.isArray(step.reasoning)) return undefined;
  const texts = step.reasoning.map((part: { text?: unknown } | null) => part?.text).filter((text): text is string => typeof text === 'string' && text !== '');
  return texts.length > 0 ? texts.join('\n\n') : undefined;
}

/**
 * An `onStepFinish` callback (v7: `onStepEnd`) that logs every step with its response time:
 * what v7 measured (`performance.responseTimeMs`), else, unless `options` time the call, the
 * time since the callback was made (for the first step) or since the previous step was logged,
 * which includes the step's tools that the SDK ran. Make one per `generateText` / `streamText` call.
 *
 * ```ts
 * await generateText({ model, tools, prompt, onStepFinish: logAiSdkSteps(historian, { conversation_id: 'c1' }) });
 * ```
 */
export function logAiSdkSteps(historian: { log(entry: MessageInput | ToolCallInput): unknown }, options: AdapterOptions): (step: AiSdkStepLike) => void {
  const timed = options.durationMs !== undefined || options.startedAt !== undefined;
  let since = Date.now();
  return (step) => {
    const measured = timed || step.performance?.responseTimeMs !== undefined;
    for (const entry of fromAiSdkStep(step, measured ? options : { ...options, startedAt: since })) historian.log(entry);
    since = Date.now();
  };
}

/**
 * Entries for a whole AI SDK run (the `onFinish` payload, `onEnd` in v7, or the awaited result of
 * `generateText`): the entries of every step in order.
 * With several steps, `message_id` gets the step number appended (`m1-1`, `m1-2`), `cost` goes on
 * the last step's message so totals add up, and `response_time` is left out unless the SDK
 * measured each step (v7), since the time of each call is unknown — use `logAiSdkSteps` as
 * `onStepFinish` to record it.
 */
export function fromAiSdkFinish(event: AiSdkFinishLike, options: AdapterOptions): Array<MessageInput | ToolCallInput> {
  checkInput(event, FINISH);
  const steps = event.steps && event.steps.length > 0 ? event.steps : [event];
  if (steps.length === 1) return fromAiSdkStep(steps[0]!, options);
  const { conversation_id, name, provider, message_id, cost, reasoning } = options;
  return steps.flatMap((step, index) => {
    const stepOptions: AdapterOptions = { conversation_id, name, provider, reasoning };
    if (message_id !== undefined) stepOptions.message_id = `${message_id}-${index + 1}`;
    if (index === steps.length - 1) stepOptions.cost = cost;
    return fromAiSdkStep(step, stepOptions);
  });
}
