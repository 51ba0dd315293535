/**
 * Compiled by adapter-types.test.ts, never run: every adapter takes what the real SDKs return,
 * with the `exactOptionalPropertyTypes` of a strict caller. The clients are never called.
 */
import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { anthropic } from '@ai-sdk/anthropic';
import { openai as aiOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, tool, stepCountIs } from 'ai';
import { fromAiSdkFinish, fromAiSdkStep, fromAnthropic, fromOpenAIChat, fromOpenAIResponses, type AdapterOptions } from 'historian';

const options: AdapterOptions = { conversation_id: 'c1', name: 'planner', cost: 0.01, startedAt: Date.now() };

export async function openAIChat(client: OpenAI): Promise<void> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];
  fromOpenAIChat(await client.chat.completions.create({ model: 'gpt-4o', messages }), options);
  const stream = client.chat.completions.stream({ model: 'gpt-4o', messages, stream_options: { include_usage: true } });
  fromOpenAIChat(await stream.finalChatCompletion(), options);
  const parsed = await client.chat.completions.parse({ model: 'gpt-4o', messages });
  fromOpenAIChat(parsed, options);
  // @ts-expect-error the stream itself is not a completion: pass `await stream.finalChatCompletion()`
  fromOpenAIChat(stream, options);
}

export async function openAIResponses(client: OpenAI): Promise<void> {
  const response = await client.responses.create({ model: 'gpt-4.1', input: 'hi' });
  fromOpenAIResponses(response, options);
  const stream = client.responses.stream({ model: 'gpt-4.1', input: 'hi' });
  fromOpenAIResponses(await stream.finalResponse(), options);
  const format = zodTextFormat(z.object({ answer: z.string() }), 'answer');
  fromOpenAIResponses(await client.responses.parse({ model: 'gpt-4.1', input: 'hi', text: { format } }), options);
  // @ts-expect-error the stream itself is not a response: pass `await stream.finalResponse()`
  fromOpenAIResponses(stream, options);
}

export async function anthropicMessages(client: Anthropic): Promise<void> {
  const params = { model: 'claude-sonnet-4-6', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'hi' }] };
  fromAnthropic(await client.messages.create(params), options);
  const stream = client.messages.stream(params);
  fromAnthropic(await stream.finalMessage(), options);
  fromAnthropic(await client.messages.parse(params), options);
  fromAnthropic(await client.beta.messages.create(params), options);
  // @ts-expect-error the stream itself is not a message: pass `await stream.finalMessage()`
  fromAnthropic(stream, options);
}

const tools = {
  weather: tool({ description: 'Weather in a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, tempC: 3 }) }),
};

export async function aiSdk(): Promise<void> {
  const result = await generateText({
    model: aiOpenAI('gpt-4o'),
    tools,
    stopWhen: stepCountIs(5),
    prompt: 'hi',
    onStepFinish: (step) => void fromAiSdkStep(step, options),
    onFinish: (event) => void fromAiSdkFinish(event, options),
  });
  fromAiSdkFinish(result, options);
  fromAiSdkStep(result.steps[0]!, options);
  const streamed = streamText({
    model: anthropic('claude-sonnet-4-6'),
    tools,
    prompt: 'hi',
    onStepFinish: (step) => void fromAiSdkStep(step, options),
    onFinish: (event) => void fromAiSdkFinish(event, options),
  });
  fromAiSdkFinish({ steps: await streamed.steps }, options);
  // @ts-expect-error a streamText result holds promises: pass `{ steps: await result.steps }`, or log in onFinish
  fromAiSdkFinish(streamed, options);
}
