import { randomUUID } from 'node:crypto';
import type {
  AdaptedEntries,
  AdapterOptions,
  MessageInput,
  NeutralResponse,
  NeutralToolCall,
  TokenUsageInput,
  ToolCallInput,
} from './types.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns tool arguments into the object a tool_call entry needs. SDKs hand over JSON strings that
 * a model may have written badly; a bad string is kept as `{ _raw }` rather than thrown on, so
 * the call is still recorded. A value that is valid but not an object is kept as `{ _value }`.
 */
export function parseToolArgs(args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'string') return isPlainObject(args) ? args : { _value: args };
  // Tools without parameters often come back with an empty argument string.
  if (args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return isPlainObject(parsed) ? parsed : { _raw: args };
  } catch {
    return { _raw: args };
  }
}

/** A token count the SDK reported, or undefined for a missing, null or NaN one (AI SDK v4 reports NaN). */
export function tokens(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Builds token usage, leaving out the optional counts the SDK did not report. */
export function tokenUsage(counts: {
  prompt: number;
  completion: number;
  total?: number | undefined;
  cache_read?: number | undefined;
  cache_write?: number | undefined;
  reasoning?: number | undefined;
}): TokenUsageInput {
  const usage: TokenUsageInput = { total: counts.total ?? counts.prompt + counts.completion, prompt: counts.prompt, completion: counts.completion };
  if (counts.cache_read !== undefined) usage.cache_read = counts.cache_read;
  if (counts.cache_write !== undefined) usage.cache_write = counts.cache_write;
  if (counts.reasoning !== undefined) usage.reasoning = counts.reasoning;
  return usage;
}

/** `provider/model`, unless the model already carries that prefix or no provider is known. */
export function qualifiedModel(model: string | null | undefined, provider: string | null | undefined): string | undefined {
  if (!model) return undefined;
  if (!provider || model.startsWith(`${provider}/`)) return model;
  return `${provider}/${model}`;
}

function epochMs(time: Date | number): number {
  return typeof time === 'number' ? time : time.getTime();
}

/** Response time in seconds from the caller's duration or start time; never negative (clocks drift). */
export function responseTime(options: AdapterOptions): number | undefined {
  let ms = options.durationMs;
  if (ms === undefined && options.startedAt !== undefined) {
    ms = epochMs(options.finishedAt ?? Date.now()) - epochMs(options.startedAt);
  }
  return ms === undefined ? undefined : Math.max(0, ms) / 1000;
}

function messageEntry(response: NeutralResponse, messageId: string, options: AdapterOptions): MessageInput {
  const message: MessageInput = { type: 'message', conversation_id: options.conversation_id, message_id: messageId, role: 'assistant', content: response.content };
  if (options.name !== undefined) message.name = options.name;
  const model = qualifiedModel(response.model, options.provider ?? response.provider);
  if (model !== undefined) message.model = model;
  // One rule on every path: usage when the SDK reported it (never zeros in its place), the
  // caller's cost whenever given, with or without usage.
  if (response.usage || options.cost !== undefined) {
    message.cost_info = {};
    if (response.usage) message.cost_info.token_usage = response.usage;
    if (options.cost !== undefined) message.cost_info.total_cost = options.cost;
  }
  const seconds = responseTime(options) ?? sdkSeconds(response.responseTimeMs);
  if (seconds !== undefined) message.response_time = seconds;
  if (response.finishReason) message.finish_reason = response.finishReason;
  // The caller's own message id would hide the provider's id of the response: kept beside it.
  if (options.message_id !== undefined && response.id && response.id !== options.message_id) message.response_id = response.id;
  if (options.reasoning === true && response.reasoning) message.reasoning = response.reasoning;
  return message;
}

/** A duration the SDK measured, in seconds. */
function sdkSeconds(ms: number | undefined): number | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}

function toolCallEntry(call: NeutralToolCall, messageId: string, conversationId: string): ToolCallInput {
  const entry: ToolCallInput = {
    type: 'tool_call',
    conversation_id: conversationId,
    message_id: messageId,
    tool_name: call.name,
    args: parseToolArgs(call.args),
    // The entry needs a JSON value; null means "not run yet" until the caller fills it in.
    result: call.result === undefined ? null : call.result,
  };
  if (call.id) entry.tool_call_id = call.id;
  return entry;
}

/** Turns a response in neutral form into its message entry followed by its tool call entries. */
export function toEntries(response: NeutralResponse, options: AdapterOptions): AdaptedEntries {
  const messageId = options.message_id ?? (response.id || randomUUID());
  const toolCalls = response.toolCalls.map((call) => toolCallEntry(call, messageId, options.conversation_id));
  return [messageEntry(response, messageId, options), ...toolCalls];
}
