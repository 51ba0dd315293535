import { tokens, tokenUsage, toEntries } from './common.js';
import type { AdaptedEntries, AdapterOptions, TokenUsageInput } from './types.js';

/** One content block of an Anthropic message: text and tool_use blocks are read, others skipped. */
export interface AnthropicContentBlockLike {
  type: string;
  text?: string | null;
  id?: string | null;
  name?: string | null;
  input?: unknown;
}

/** The parts of an Anthropic message (`client.messages.create`) the adapter reads. */
export interface AnthropicMessageLike {
  id?: string | null;
  model?: string | null;
  content: ReadonlyArray<AnthropicContentBlockLike>;
  usage?: {
    input_tokens?: number | null;
    output_tokens?: number | null;
    cache_read_input_tokens?: number | null;
    cache_creation_input_tokens?: number | null;
  } | null;
}

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
 * tool call per `tool_use` block (`result: null` until the caller runs the tool). Thinking and
 * server-side tool blocks are skipped. `prompt` counts cached input tokens too.
 *
 * ```ts
 * const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages, tools });
 * for (const entry of fromAnthropic(message, { conversation_id: 'c1' })) historian.log(entry);
 * ```
 */
export function fromAnthropic(message: AnthropicMessageLike, options: AdapterOptions): AdaptedEntries {
  const text = message.content.filter((block) => block.type === 'text').map((block) => block.text ?? '');
  const toolUses = message.content.filter((block) => block.type === 'tool_use');
  return toEntries(
    {
      id: message.id,
      content: text.join(''),
      model: message.model,
      provider: 'anthropic',
      usage: anthropicUsage(message.usage),
      toolCalls: toolUses.map((block) => ({ id: block.id, name: block.name ?? '', args: block.input })),
    },
    options,
  );
}
