/**
 * Adapters from LLM SDK responses to historian entries: plain functions over the objects the
 * SDKs return, with no dependency on any SDK. Each returns the assistant message followed by its
 * tool calls, with token usage normalised so that `prompt` counts every input token.
 */
export { fromOpenAIChat, fromOpenAIResponses } from './openai.js';
export type { OpenAIChatCompletionLike, OpenAIChatToolCallLike, OpenAIResponseLike, OpenAIResponseOutputItemLike } from './openai.js';
export { fromAnthropic, anthropicUsage } from './anthropic.js';
export type { AnthropicMessageLike, AnthropicContentBlockLike } from './anthropic.js';
export { fromAiSdkStep, fromAiSdkFinish, aiSdkUsage, logAiSdkSteps } from './ai-sdk.js';
export type { AiSdkStepLike, AiSdkFinishLike, AiSdkToolCallLike, AiSdkToolResultLike, AiSdkUsageLike } from './ai-sdk.js';
export { parseToolArgs } from './common.js';
export { AdapterInputError } from './mistakes.js';
export type { AdaptedEntries, AdapterOptions, MessageInput, ToolCallInput, TokenUsageInput } from './types.js';
