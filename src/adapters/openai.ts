import { tokens, tokenUsage, toEntries } from './common.js';
import { checkInput, type Expected } from './mistakes.js';
import type { AdaptedEntries, AdapterOptions, NeutralToolCall, TokenUsageInput } from './types.js';

// Every optional field also takes `undefined`, so that callers with exactOptionalPropertyTypes
// can pass objects whose fields are declared `x?: T | undefined`.

/** A tool call in a chat completion: a function call, or a custom tool call with free-form input. */
export interface OpenAIChatToolCallLike {
  id?: string | null | undefined;
  type?: string | undefined;
  function?: { name: string; arguments?: string | null | undefined } | null | undefined;
  custom?: { name: string; input?: string | null | undefined } | null | undefined;
}

/** The parts of an OpenAI chat completion (`client.chat.completions.create`) the adapter reads. */
export interface OpenAIChatCompletionLike {
  id?: string | null | undefined;
  model?: string | null | undefined;
  choices: ReadonlyArray<{
    finish_reason?: string | null | undefined;
    message: {
      content?: string | null | undefined;
      refusal?: string | null | undefined;
      tool_calls?: ReadonlyArray<OpenAIChatToolCallLike> | null | undefined;
      /** Reasoning text, as OpenAI-compatible servers (DeepSeek, vLLM…) return it; OpenAI does not. */
      reasoning_content?: string | null | undefined;
    };
  }>;
  usage?:
    | {
        prompt_tokens?: number | null | undefined;
        completion_tokens?: number | null | undefined;
        total_tokens?: number | null | undefined;
        prompt_tokens_details?: { cached_tokens?: number | null | undefined } | null | undefined;
        completion_tokens_details?: { reasoning_tokens?: number | null | undefined } | null | undefined;
      }
    | null
    | undefined;
}

/**
 * One item of a Responses API `output`: messages, function calls and custom tool calls are read,
 * other items skipped. `arguments` and `input` are `unknown` because some item types (tool search
 * calls) carry other values there; the adapter reads them only on the items it keeps.
 */
export interface OpenAIResponseOutputItemLike {
  type: string;
  id?: string | null | undefined;
  content?: ReadonlyArray<{ type: string; text?: string | null | undefined; refusal?: string | null | undefined }> | null | undefined;
  /** A reasoning item's summary parts. */
  summary?: ReadonlyArray<{ text?: string | null | undefined }> | null | undefined;
  call_id?: string | null | undefined;
  name?: string | null | undefined;
  arguments?: unknown;
  input?: unknown;
}

/** The parts of an OpenAI Responses API response (`client.responses.create`) the adapter reads. */
export interface OpenAIResponseLike {
  id?: string | null | undefined;
  model?: string | null | undefined;
  /** `completed`, or `incomplete` with the reason in `incomplete_details`. */
  status?: string | null | undefined;
  incomplete_details?: { reason?: string | null | undefined } | null | undefined;
  output: ReadonlyArray<OpenAIResponseOutputItemLike>;
  usage?:
    | {
        input_tokens?: number | null | undefined;
        output_tokens?: number | null | undefined;
        total_tokens?: number | null | undefined;
        input_tokens_details?: { cached_tokens?: number | null | undefined } | null | undefined;
        output_tokens_details?: { reasoning_tokens?: number | null | undefined } | null | undefined;
      }
    | null
    | undefined;
}

const CHAT: Expected = {
  adapter: 'fromOpenAIChat',
  what: 'an OpenAI chat completion',
  fits: (value) => Array.isArray(value.choices),
  recognise: (value) =>
    value.object === 'chat.completion.chunk'
      ? 'got one chunk of a streamed chat completion; use client.chat.completions.stream(…) and pass await stream.finalChatCompletion()'
      : undefined,
  stream: 'use client.chat.completions.stream(…) instead of create({ stream: true }), and pass await stream.finalChatCompletion()',
};

const RESPONSES: Expected = {
  adapter: 'fromOpenAIResponses',
  what: 'an OpenAI Responses API response',
  fits: (value) => Array.isArray(value.output),
  recognise: (value) => {
    if (typeof value.type !== 'string' || !value.type.startsWith('response.')) return undefined;
    return `got a stream event (${value.type}), not a response; pass event.response of the response.completed event, or await stream.finalResponse()`;
  },
  stream: 'use client.responses.stream(…) instead of create({ stream: true }), and pass await stream.finalResponse()',
};

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
 * `result: null` until the caller runs the tool; `finish_reason` from the choice. Token usage
 * keeps cached and reasoning counts; the `reasoning_content` some compatible servers return
 * becomes `reasoning` with `{ reasoning: true }`.
 * Takes the result of `create()`, `parse()` or a stream's `finalChatCompletion()`.
 *
 * A tool call is logged as asked (`result: null`), and logged again once its tool has run: the
 * second completes the first (same `tool_call_id`), so the call is stored once, with its result.
 *
 * ```ts
 * const response = await openai.chat.completions.create({ model: 'gpt-4o', messages, tools });
 * const [reply, ...calls] = fromOpenAIChat(response, { conversation_id: 'c1', name: 'planner' });
 * for (const entry of [reply, ...calls]) historian.log(entry);
 * for (const call of calls) historian.log({ ...call, result: await runTool(call.tool_name, call.args) });
 * ```
 */
export function fromOpenAIChat(response: OpenAIChatCompletionLike, options: AdapterOptions): AdaptedEntries {
  checkInput(response, CHAT);
  const message = response.choices[0]?.message;
  const usage = response.usage;
  return toEntries(
    {
      id: response.id,
      content: message?.content ?? message?.refusal ?? '',
      model: response.model,
      provider: 'openai',
      finishReason: response.choices[0]?.finish_reason,
      reasoning: message?.reasoning_content ?? undefined,
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

// Reasoning items carry a summary, and with some models the reasoning text itself.
function reasoningText(output: ReadonlyArray<OpenAIResponseOutputItemLike>): string | undefined {
  const items = output.filter((item) => item.type === 'reasoning');
  const parts = items.flatMap((item) => [...(item.summary ?? []), ...(item.content ?? []).filter((part) => part.type === 'reasoning_text')]);
  const text = parts.map((part) => part.text ?? '').filter((part) => part !== '');
  return text.length > 0 ? text.join('\n\n') : undefined;
}

// The SDK's `output_text` joins every output_text part; a refusal stands in when there is no text.
function responseText(output: ReadonlyArray<OpenAIResponseOutputItemLike>): string {
  const parts = output.filter((item) => item.type === 'message').flatMap((item) => item.content ?? []);
  const text = parts.filter((part) => part.type === 'output_text').map((part) => part.text ?? '');
  if (text.length > 0) return text.join('');
  return parts.filter((part) => part.type === 'refusal').map((part) => part.refusal ?? '').join('');
}

function responseToolCall(item: OpenAIResponseOutputItemLike): NeutralToolCall {
  const args = item.type === 'custom_tool_call' ? { input: item.input ?? '' } : item.arguments;
  return { id: item.call_id ?? item.id, name: item.name ?? '', args };
}

// The items that are calls of the caller's own tools, which it runs and answers.
const CALLER_TOOL_CALLS = new Set(['function_call', 'custom_tool_call']);

/**
 * Entries for an OpenAI Responses API response: one assistant message with the text of its
 * `message` items and one tool call per `function_call` or `custom_tool_call` item (keyed by
 * `call_id`, the id its output answers; a custom call's free-form input is kept as
 * `{ input }`, as `fromOpenAIChat` keeps it). Reasoning and built-in tool items are not tool
 * calls the caller runs, so they are skipped; with `{ reasoning: true }` the reasoning items'
 * summaries (and text) become `reasoning`. `finish_reason` is the reason of an incomplete
 * response (`max_output_tokens`), else its status. Takes the result of `create()`, `parse()` or a
 * stream's `finalResponse()`.
 *
 * Log the calls as asked, then each again with its result (see `fromOpenAIChat`):
 *
 * ```ts
 * const response = await openai.responses.create({ model: 'gpt-4.1', input, tools });
 * const [reply, ...calls] = fromOpenAIResponses(response, { conversation_id: 'c1' });
 * for (const entry of [reply, ...calls]) historian.log(entry);
 * for (const call of calls) historian.log({ ...call, result: await runTool(call.tool_name, call.args) });
 * ```
 */
export function fromOpenAIResponses(response: OpenAIResponseLike, options: AdapterOptions): AdaptedEntries {
  checkInput(response, RESPONSES);
  const usage = response.usage;
  const calls = response.output.filter((item) => CALLER_TOOL_CALLS.has(item.type));
  return toEntries(
    {
      id: response.id,
      content: responseText(response.output),
      model: response.model,
      provider: 'openai',
      // An incomplete response says why (`max_output_tokens`, `content_filter`); the others their status.
      finishReason: (response.status === 'incomplete' ? response.incomplete_details?.reason : undefined) ?? response.status,
      reasoning: reasoningText(response.output),
      usage: usage
        ? openAIUsage(
            usage.input_tokens,
            usage.output_tokens,
            usage.total_tokens,
            usage.input_tokens_details?.cached_tokens,
            usage.output_tokens_details?.reasoning_tokens,
          )
        : undefined,
      toolCalls: calls.map(responseToolCall),
    },
    options,
  );
}
