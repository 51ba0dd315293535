import type { EntryInput } from '../core/entries.js';

/** A message entry as the adapters return it, ready for `historian.log()`. */
export type MessageInput = Extract<EntryInput, { type: 'message' }>;
/** A tool call entry as the adapters return it, ready for `historian.log()`. */
export type ToolCallInput = Extract<EntryInput, { type: 'tool_call' }>;
/** Token usage in historian's shape, before validation fills in `total`. */
export type TokenUsageInput = NonNullable<NonNullable<MessageInput['cost_info']>['token_usage']>;

/**
 * What an adapter returns for one LLM response: the assistant message first, then one tool
 * call per tool the model asked for, each pointing at the message through `message_id`.
 */
export type AdaptedEntries = [message: MessageInput, ...toolCalls: ToolCallInput[]];

/** What the caller knows about a response that the response itself does not say. */
export interface AdapterOptions {
  /** The conversation the response belongs to. */
  conversation_id: string;
  /** The agent that produced the response; stored as the message's `name`. */
  name?: string | undefined;
  /** The message id to use; defaults to the SDK's response id (or a random UUID without one). */
  message_id?: string | undefined;
  /**
   * Cost of the call in USD; historian does not price calls, so `total_cost` is set only from this.
   * It is kept whether or not the response reported token usage.
   */
  cost?: number | undefined;
  /** Provider prefix of `model` (`openai/gpt-4o`); each adapter has its own default. */
  provider?: string | undefined;
  /** When the call was sent (a Date or epoch milliseconds); gives `response_time` with `finishedAt`. */
  startedAt?: Date | number | undefined;
  /** When the response arrived; defaults to now. */
  finishedAt?: Date | number | undefined;
  /** How long the call took in milliseconds; wins over `startedAt`. */
  durationMs?: number | undefined;
  /**
   * Keep the model's reasoning / thinking text as the message's `reasoning` (off by default: it
   * can be large, and private). Token counts of reasoning are kept either way.
   */
  reasoning?: boolean | undefined;
}

/**
 * One tool call in SDK-neutral form. `args` is what the SDK gave (an object or a JSON string);
 * `result` is absent until the tool ran.
 */
export interface NeutralToolCall {
  id?: string | null;
  name: string;
  args: unknown;
  result?: unknown;
}

/** One LLM response in SDK-neutral form, which every adapter builds and `toEntries` turns into entries. */
export interface NeutralResponse {
  /** The SDK's id for the response, used as the message id when the caller gives none. */
  id?: string | null;
  content: string;
  /** The model as the SDK names it. */
  model?: string | null;
  /** The provider prefix for `model`, unless the caller gives one. */
  provider?: string | null;
  usage?: TokenUsageInput;
  toolCalls: NeutralToolCall[];
  /** Why the model stopped, as the SDK names it. */
  finishReason?: string | null | undefined;
  /** The reasoning / thinking text the response carries, if any. */
  reasoning?: string | undefined;
  /** How long the call took, when the SDK measured it (AI SDK v7). */
  responseTimeMs?: number | undefined;
}
