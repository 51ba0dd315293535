/**
 * Agent loops over the real SDKs, each logging through its adapter: call the model, log the
 * reply, run the tools it asked for, log each call with its result, until it answers in text.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import type OpenAI from 'openai';
import { z } from 'zod';
import { fromAiSdkStep, fromAnthropic, fromOpenAIChat, fromOpenAIResponses, type Historian, type ToolCallInput } from '../../../src/index.js';
import { WEATHER } from './canned.js';

const QUESTION = 'What is the weather in Oslo and Bergen?';
const COST = 0.0125;
const cityParameters = { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

function weather(args: Record<string, unknown>): unknown {
  return WEATHER[args.city as keyof typeof WEATHER] ?? { error: `unknown city ${String(args.city)}` };
}

/** Runs a tool call the adapter returned and logs it with its result; returns the result. */
function runTool(historian: Historian, call: ToolCallInput): unknown {
  const result = weather(call.args);
  historian.log({ ...call, result });
  return result;
}

/** OpenAI chat completions, with `create()` or, streamed, `stream()` and `finalChatCompletion()`. */
export async function openAIChatLoop(client: OpenAI, historian: Historian, conversation_id: string, streamed: boolean): Promise<void> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: QUESTION }];
  const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: cityParameters } }];
  for (let turn = 0; turn < 4; turn += 1) {
    const params = { model: 'gpt-4o', messages, tools };
    const completion = streamed
      ? await client.chat.completions.stream({ ...params, stream_options: { include_usage: true } }).finalChatCompletion()
      : await client.chat.completions.create(params);
    const [reply, ...calls] = fromOpenAIChat(completion, { conversation_id, name: conversation_id, cost: COST });
    historian.log(reply);
    messages.push(completion.choices[0]!.message);
    if (calls.length === 0) return;
    for (const call of calls) messages.push({ role: 'tool', tool_call_id: call.tool_call_id!, content: JSON.stringify(runTool(historian, call)) });
  }
}

/** OpenAI Responses, with `create()` or, streamed, `stream()` and `finalResponse()`. */
export async function openAIResponsesLoop(client: OpenAI, historian: Historian, conversation_id: string, streamed: boolean): Promise<void> {
  const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: QUESTION }];
  const tools: OpenAI.Responses.Tool[] = [{ type: 'function', name: 'get_weather', parameters: cityParameters, strict: true }];
  for (let turn = 0; turn < 4; turn += 1) {
    const params = { model: 'gpt-5-mini', input, tools };
    const response = streamed ? await client.responses.stream(params).finalResponse() : await client.responses.create(params);
    const [reply, ...calls] = fromOpenAIResponses(response, { conversation_id, name: conversation_id, cost: COST });
    historian.log(reply);
    input.push(...(response.output as OpenAI.Responses.ResponseInputItem[]));
    if (calls.length === 0) return;
    for (const call of calls) input.push({ type: 'function_call_output', call_id: call.tool_call_id!, output: JSON.stringify(runTool(historian, call)) });
  }
}

/** Anthropic messages, with `create()` or, streamed, `stream()` and `finalMessage()`. */
export async function anthropicLoop(client: Anthropic, historian: Historian, conversation_id: string, streamed: boolean): Promise<void> {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: QUESTION }];
  const tools: Anthropic.Tool[] = [{ name: 'get_weather', input_schema: cityParameters }];
  for (let turn = 0; turn < 4; turn += 1) {
    const params = { model: 'claude-sonnet-4-6', max_tokens: 1024, messages, tools };
    const message = streamed ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
    const [reply, ...calls] = fromAnthropic(message, { conversation_id, name: conversation_id, cost: COST });
    historian.log(reply);
    messages.push({ role: 'assistant', content: message.content });
    if (calls.length === 0) return;
    const results = calls.map((call) => ({ type: 'tool_result' as const, tool_use_id: call.tool_call_id!, content: JSON.stringify(runTool(historian, call)) }));
    messages.push({ role: 'user', content: results });
  }
}

const aiTools = {
  get_weather: tool({ inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => weather({ city }) }),
};

/** The AI SDK: `generateText` over OpenAI Responses, or `streamText` over Anthropic, logged in `onStepFinish`. */
export async function aiSdkLoop(baseURL: string, historian: Historian, conversation_id: string, streamed: boolean): Promise<void> {
  const onStepFinish = (step: Parameters<typeof fromAiSdkStep>[0]) => {
    for (const entry of fromAiSdkStep(step, { conversation_id, name: conversation_id, cost: COST })) historian.log(entry);
  };
  const settings = { tools: aiTools, stopWhen: stepCountIs(4), prompt: QUESTION, onStepFinish };
  if (!streamed) {
    await generateText({ model: createOpenAI({ baseURL: `${baseURL}/v1`, apiKey: 'test' })('gpt-5-mini'), ...settings });
    return;
  }
  const result = streamText({ model: createAnthropic({ baseURL: `${baseURL}/v1`, apiKey: 'test' })('claude-sonnet-4-6'), ...settings });
  await result.consumeStream();
}
