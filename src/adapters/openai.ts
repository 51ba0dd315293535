import { tokens, tokenUsage, toEntries } from './common.js';
import type { AdaptedEntries, AdapterOptions, NeutralToolCall, TokenUsageInput } from './types.js';

/** A tool call in a chat completion: a function call, or a custom tool call with free-form input. */
export interface OpenAIChatToolCallLike {
  id?: string | null;
  type?: string;
  function?: { name: string; arguments?: string | null } | null;
  custom?: { name: string; input?: string | null } | null;
}

/** The parts of an OpenAI chat completion (`client.chat.completions.create`) the adapter reads. */
export interface OpenAIChatCompletionLike {
  id?: string | null;
  model?: string | null;
  choices: ReadonlyArray<{
    message: {
      content?: string | null;
      refusal?: string | null;
      tool_calls?: ReadonlyArray<OpenAIChatToolCallLike> | null;
    };
  }>;
  usage?: {
    prompt_tokens?: number | null;
    completion_tokens?: number | null;
    total_tokens?: number | null;
    prompt_tokens_details?: { cached_tokens?: number | null } | null;
    completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  } | null;
}

/** One item of a Responses API `output`: messages and function calls are read, other items skipped. */
export interface OpenAIResponseOutputItemLike {
  type: string;
  id?: string | null;
  content?: ReadonlyArray<{ type: string; text?: string | null; refusal?: string | null }> | null;
  call_id?: string | null;
  name?: string | null;
  arguments?: string | null;
}

/** The parts of an OpenAI Responses API response (`client.responses.create`) the adapter reads. */
export interface OpenAIResponseLike {
  id?: string | null;
  model?: string | null;
  output: ReadonlyArray<OpenAIResponseOutputItemLike>;
  usage?: {
    input_tokens?: number | null;
    output_tokens?: number | null;
    total_tokens?: number | null;
    input_tokens_details?: { cached_tokens?: number | null } | null;
    output_tokens_details?: { reasoning_tokens?: number | null } | null;
  } | null;
}

// OpenAI's prompt/input counts already include cached tokens, as historian's `prompt` does.
function openAIUsage(
  prompt: number | null | undefined,
  completion: number | null | undefined,
  total: number | null | undefined,
  cached: number | null | undefined,
  reasoning: number | null | undefined,
): TokenUsageInput | undefined {
  const promptTokens = tokens(prompt);
  const completionTokens = tokens(completion);
  if (promptTokens === undefined && completionTokens === undefined) return undefined;
  return tokenUsage({
    prompt: promptTokens ?? 0,
    completion: completionTokens ?? 0,
    total: tokens(total),
    cache_read: tokens(cached),
    reasoning: tokens(reasoning),
  });
}

function chatToolCall(call: OpenAIChatToolCallLike): NeutralToolCall {
  if (call.custom) return { id: call.id, name: call.custom.name, args: { input: call.custom.input ?? '' } };
  return { id: call.id, name: call.function?.name ?? '', args: call.function?.arguments };
}

/**
 * Entries for an OpenAI chat completion: the assistant message of `choices[0]` (its text, or
 * its refusal when the model refused) and one tool call per entry of `tool_calls`, with
 * `result: null` until the caller runs the tool. Token usage keeps cached and reasoning counts.
 *
 * ```ts
 * const response = await openai.chat.completions.create({ model: 'gpt-4o', messages });
 * for (const entry of fromOpenAIChat(response, { conversation_id: 'c1', name: 'planner' })) historian.log(entry);
 * ```
 */
export function fromOpenAIChat(response: OpenAIChatCompletionLike, options: AdapterOptions): AdaptedEntries {
  const message = response.choices[0]?.message;
  const usage = response.usage;
  return toEntries(
    {
      id: response.id,
      content: message?.content ?? message?.refusal ?? '',
      model: response.model,
      provider: 'openai',
      usage: usage
        ? openAIUsage(
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens,
            usage.prompt_tokens_details?.cached_tokens,
            usage.completion_tokens_details?.reasoning_tokens,
          )
        : undefined,
      toolCalls: (message?.tool_calls ?? []).map(chatToolCall),
    },
    options,
  );
}

// The SDK's `output_text` joins every output_text part; a refusal stands in when there is no text.
function responseText(output: ReadonlyArray<OpenAIResponseOutputItemLike>): string {
  const parts = output.filter((item) => item.type === 'message').flatMap((item) => item.content ?? []);
  const text = parts.filter((part) => part.type === 'output_text').map((part) => part.text ?? '');
  if (text.length > 0) return text.join('');
  return parts.filter((part) => part.type === 'refusal').map((part) => part.refusal ?? '').join('');
}

/**
 * Entries for an OpenAI Responses API response: one assistant message with the text of its
 * `message` items and one tool call per `function_call` item (keyed by `call_id`, the id a
 * `function_call_output` answers). Reasoning and built-in tool items are not tool calls the
 * caller runs, so they are skipped.
 *
 * ```ts
 * const response = await openai.responses.create({ model: 'gpt-4.1', input, tools });
 * for (const entry of fromOpenAIResponses(response, { conversation_id: 'c1' })) historian.log(entry);
 * ```
 */
export function fromOpenAIResponses(response: OpenAIResponseLike, options: AdapterOptions): AdaptedEntries {
  const usage = response.usage;
  const calls = response.output.filter((item) => item.type === 'function_call');
  return toEntries(
    {
      id: response.id,
      content: responseText(response.output),
      model: response.model,
      provider: 'openai',
      usage: usage
        ? openAIUsage(
            usage.input_tokens,
            usage.output_tokens,
            usage.total_tokens,
            usage.input_tokens_details?.cached_tokens,
            usage.output_tokens_details?.reasoning_tokens,
          )
        : undefined,
      toolCalls: calls.map((item) => ({ id: item.call_id ?? item.id, name: item.name ?? '', args: item.arguments })),
    },
    options,
  );
}
