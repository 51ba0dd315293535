import { tokens, tokenUsage, toEntries } from './common.js';
import { checkInput, type Expected } from './mistakes.js';
import type { AdaptedEntries, AdapterOptions, TokenUsageInput } from './types.js';

// Optional fields also take `undefined`, for callers with exactOptionalPropertyTypes.

/** One content block of an Anthropic message: text, tool_use and thinking blocks are read, others skipped. */
export interface AnthropicContentBlockLike {
  type: string;
  text?: string | null | undefined;
  id?: string | null | undefined;
  name?: string | null | undefined;
  input?: unknown;
  /** The text of a `thinking` block. */
  thinking?: string | null | undefined;
}

/** The parts of an Anthropic message (`client.messages.create`) the adapter reads. */
export interface AnthropicMessageLike {
  id?: string | null | undefined;
  model?: string | null | undefined;
  /** `end_turn`, `max_tokens`, `tool_use`, `stop_sequence`, `refusal`… */
  stop_reason?: string | null | undefined;
  content: ReadonlyArray<AnthropicContentBlockLike>;
  usage?:
    | {
        input_tokens?: number | null | undefined;
        output_tokens?: number | null | undefined;
        cache_read_input_tokens?: number | null | undefined;
        cache_creation_input_tokens?: number | null | undefined;
      }
    | null
    | undefined;
}

// The events of a streamed message (`stream: true`), each of which carries only a piece of it.
const STREAM_EVENTS = new Set(['message_start', 'message_delta', 'message_stop', 'content_block_start', 'content_block_delta', 'content_block_stop']);

const MESSAGE: Expected = {
  adapter: 'fromAnthropic',
  what: 'an Anthropic message',
  fits: (value) => Array.isArray(value.content),
  recognise: (value) =>
    typeof value.type === 'string' && STREAM_EVENTS.has(value.type)
      ? `got a stream event (${value.type}), not a message; use client.messages.stream(…) and pass await stream.finalMessage()`
      : undefined,
  stream: 'use client.messages.stream(…) instead of create({ stream: true }), and pass await stream.finalMessage()',
};

/**
 * Anthropic's `input_tokens` counts only the tokens neither read from nor written to the cache,
 * so historian's `prompt` (every input token) is the sum of the three.
 */
export function anthropicUsage(usage: AnthropicMessageLike['usage']): TokenUsageInput | undefined {
  if (!usage) return undefined;
  const uncached = tokens(usage.input_tokens);
  const completion = tokens(usage.output_tokens);
  if (uncached === undefined && completion === undefined) return undefined;
  const cacheRead = tokens(usage.cache_read_input_tokens);
  const cacheWrite = tokens(usage.cache_creation_input_tokens);
  return tokenUsage({
    prompt: (uncached ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    completion: completion ?? 0,
    cache_read: cacheRead,
    cache_write: cacheWrite,
  });
}

/**
 * Entries for an Anthropic message: one assistant message with its text blocks joined, and one
 * tool call per `tool_use` block (`result: null` until the caller runs the tool), its
 * `stop_reason` as `finish_reason`. Thinking blocks become `reasoning` only with
 * `{ reasoning: true }`; server-side tool blocks are skipped. `prompt` counts cached input tokens too. Takes the result
 * of `create()`, `parse()` or a stream's `finalMessage()`.
 *
 * A tool call is logged as asked (`result: null`), and logged again once its tool has run: the
 * second completes the first (same `tool_call_id`), so the call is stored once, with its result.
 *
 * ```ts
 * const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages, tools });
 * const [reply, ...calls] = fromAnthropic(message, { conversation_id: 'c1' });
 * for (const entry of [reply, ...calls]) historian.log(entry);
 * for (const call of calls) historian.log({ ...call, result: await runTool(call.tool_name, call.args) });
 * ```
 */
export function fromAnthropic(message: AnthropicMessageLike, options: AdapterOptions): AdaptedEntries {
  checkInput(message, MESSAGE);
  const text = message.content.filter((block) => block.type === 'text').map((block) => block.text ?? '');
  const toolUses = message.content.filter((block) => block.type === 'tool_use');
  const thinking = message.content.filter((block) => block.type === 'thinking' && block.thinking).map((block) => block.thinking!);
  return toEntries(
    {
      id: message.id,
      content: text.join(''),
      model: message.model,
      provider: 'anthropic',
      finishReason: message.stop_reason,
      reasoning: thinking.length > 0 ? thinking.join('\n\n') : undefined,
      usage: anthropicUsage(message.usage),
      toolCalls: toolUses.map((block) => ({ id: block.id, name: block.name ?? '', args: block.input })),
    },
    options,
  );
}
