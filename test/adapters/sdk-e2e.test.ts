import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropic } from '@ai-sdk/anthropic';
import { streamText } from 'ai';
import { AdapterInputError, createHistorian, fromAiSdkFinish, fromAiSdkStep, fromAnthropic, fromOpenAIChat, fromOpenAIResponses, type MessageEntry, type ToolCallEntry } from '../../src/index.js';
import { runCli } from '../cli/run.js';
import { ANSWER, USAGE, WEATHER } from './e2e/canned.js';
import { aiSdkLoop, anthropicLoop, openAIChatLoop, openAIResponsesLoop } from './e2e/loops.js';
import { startLoopbackProvider, type LoopbackProvider } from './e2e/server.js';

// The real SDK clients call a provider on 127.0.0.1 that answers with canned JSON; the adapters
// turn their results into entries, logged into SQLite; the CLI reads them back.
let provider: LoopbackProvider;
let dir: string;
let loopRequests: LoopbackProvider['requests'] = [];

beforeAll(async () => {
  provider = await startLoopbackProvider();
  dir = mkdtempSync(join(tmpdir(), 'historian-sdk-e2e-'));
  writeFileSync(join(dir, 'agents.yml'), 'storage:\n  providers:\n    - type: sql\n      url: "sqlite:///history.db"\n');
});

afterAll(async () => {
  await provider.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cliJson<T>(args: string[]): Promise<T> {
  const { code, stdout, stderr } = await runCli(args, { cwd: dir });
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as T;
}

const cost = 0.0125;
// What each loop stores: its two assistant messages (the tool turn, then the answer), by usage.
const expected: Record<string, { model: string; usage: [object, object] }> = {
  'openai-chat': { model: 'openai/gpt-4o-2024-08-06', usage: [USAGE.chatTools, USAGE.chatAnswer] },
  'openai-chat-stream': { model: 'openai/gpt-4o-2024-08-06', usage: [USAGE.chatTools, USAGE.chatAnswer] },
  'openai-responses': { model: 'openai/gpt-5-mini-2025-08-07', usage: [USAGE.responsesTools, USAGE.responsesAnswer] },
  'openai-responses-stream': { model: 'openai/gpt-5-mini-2025-08-07', usage: [USAGE.responsesTools, USAGE.responsesAnswer] },
  anthropic: { model: 'anthropic/claude-sonnet-4-6', usage: [USAGE.anthropicTools, USAGE.anthropicAnswer] },
  'anthropic-stream': { model: 'anthropic/claude-sonnet-4-6', usage: [USAGE.anthropicTools, USAGE.anthropicAnswer] },
  'ai-sdk-openai': { model: 'openai/gpt-5-mini-2025-08-07', usage: [USAGE.responsesTools, USAGE.responsesAnswer] },
  'ai-sdk-anthropic-stream': { model: 'anthropic/claude-sonnet-4-6', usage: [USAGE.anthropicTools, USAGE.anthropicAnswer] },
};

describe('the real SDKs, through the adapters, into SQLite, read back by the CLI', () => {
  beforeAll(async () => {
    const openai = new OpenAI({ baseURL: `${provider.url}/v1`, apiKey: 'test', maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: provider.url, apiKey: 'test', maxRetries: 0 });
    const historian = await createHistorian(join(dir, 'agents.yml'));
    await openAIChatLoop(openai, historian, 'openai-chat', false);
    await openAIChatLoop(openai, historian, 'openai-chat-stream', true);
    await openAIResponsesLoop(openai, historian, 'openai-responses', false);
    await openAIResponsesLoop(openai, historian, 'openai-responses-stream', true);
    await anthropicLoop(anthropic, historian, 'anthropic', false);
    await anthropicLoop(anthropic, historian, 'anthropic-stream', true);
    await aiSdkLoop(provider.url, historian, 'ai-sdk-openai', false);
    await aiSdkLoop(provider.url, historian, 'ai-sdk-anthropic-stream', true);
    await historian.close();
    loopRequests = [...provider.requests];
  }, 60_000);

  it('asked the provider as each loop should, streamed where it streams', () => {
    const streamed = loopRequests.filter((request) => request.stream).map((request) => request.path);
    expect(loopRequests).toHaveLength(16);
    expect(streamed).toEqual(['/v1/chat/completions', '/v1/chat/completions', '/v1/responses', '/v1/responses', '/v1/messages', '/v1/messages', '/v1/messages', '/v1/messages']);
  });

  it('history show --format json: every message with its model, exact token usage and cost', async () => {
    const conversations = await cliJson<Array<{ conversation_id: string; messages: MessageEntry[] }>>(['history', 'show', '--format', 'json', '--limit', '20']);
    expect(conversations.map((c) => c.conversation_id).sort()).toEqual(Object.keys(expected).sort());
    for (const conversation of conversations) {
      const { model, usage } = expected[conversation.conversation_id]!;
      const stored = conversation.messages.map((m) => [m.role, m.name, m.model, m.cost_info]);
      const want = usage.map((token_usage) => ['assistant', conversation.conversation_id, model, { token_usage, total_cost: cost }]);
      expect(stored, conversation.conversation_id).toEqual(want);
      expect(conversation.messages[1]!.content, conversation.conversation_id).toBe(ANSWER);
      // The tool turn stopped to call tools, the answer finished: each SDK says so in its own words.
      const [toolTurn, answer] = conversation.messages.map((m) => m.finish_reason);
      expect(toolTurn, conversation.conversation_id).toMatch(/^(tool_calls|tool-calls|tool_use|completed)$/);
      expect(answer, conversation.conversation_id).toMatch(/^(stop|end_turn|completed)$/);
    }
  });

  it('history stats --format json: the totals add up', async () => {
    const stats = await cliJson<{ groups: Array<{ key: string; messages: number; total_tokens: number; prompt_tokens: number; completion_tokens: number; cost: number }> }>([
      'history', 'stats', '--group-by', 'agent', '--format', 'json',
    ]);
    expect(stats.groups.map((g) => g.key).sort()).toEqual(Object.keys(expected).sort());
    for (const group of stats.groups) {
      const usage = expected[group.key]!.usage as Array<{ total: number; prompt: number; completion: number }>;
      const sum = (key: 'total' | 'prompt' | 'completion') => usage[0]![key] + usage[1]![key];
      expect(group).toMatchObject({ messages: 2, total_tokens: sum('total'), prompt_tokens: sum('prompt'), completion_tokens: sum('completion') });
      expect(group.cost).toBeCloseTo(2 * cost, 10);
    }
  });

  it('export: both parallel tool calls of each tool turn, with their ids, arguments and results', async () => {
    const out = join(dir, 'export.jsonl');
    const { code, stderr } = await runCli(['export', '--to', out], { cwd: dir });
    expect(code, stderr).toBe(0);
    const calls = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ToolCallEntry).filter((e) => e.type === 'tool_call');
    const messages = (await cliJson<Array<{ conversation_id: string; messages: MessageEntry[] }>>(['history', 'show', '--format', 'json', '--limit', '20'])).flatMap((c) => c.messages);
    for (const conversation_id of Object.keys(expected)) {
      const own = calls.filter((call) => call.conversation_id === conversation_id);
      expect(own.map((call) => [call.tool_name, call.args, call.result]), conversation_id).toEqual([
        ['get_weather', { city: 'Oslo' }, WEATHER.Oslo],
        ['get_weather', { city: 'Bergen' }, WEATHER.Bergen],
      ]);
      // Each call points at the tool turn's message and keeps the provider's call id.
      const toolTurn = messages.find((m) => m.conversation_id === conversation_id && m.content !== ANSWER);
      expect(new Set(own.map((call) => call.message_id))).toEqual(new Set([toolTurn!.message_id]));
      expect(own.every((call) => /^(call|toolu)_e2e\d{4}$/.test(call.tool_call_id ?? ''))).toBe(true);
    }
  });
});

describe('mistakes with the real SDK objects say what to pass instead', () => {
  const o = { conversation_id: 'mistakes' };
  // Each adapter is called with the wrong object on purpose, as a JavaScript caller could.
  const wrong = <T>(adapt: (value: T, options: typeof o) => unknown, value: unknown) => () => adapt(value as T, o);
  const clients = () => ({
    openai: new OpenAI({ baseURL: `${provider.url}/v1`, apiKey: 'test', maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: provider.url, apiKey: 'test', maxRetries: 0 }),
  });

  it('OpenAI chat: the stream helper, an un-awaited call, a raw stream and its chunks', async () => {
    const { openai } = clients();
    const params = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'hi' }] };
    const helper = openai.chat.completions.stream(params);
    expect(wrong(fromOpenAIChat, helper)).toThrow(new AdapterInputError('fromOpenAIChat: got a stream object, not an OpenAI chat completion; call finalChatCompletion() and pass its result: fromOpenAIChat(await stream.finalChatCompletion(), options)', 'response'));
    expect(fromOpenAIChat(await helper.finalChatCompletion(), o)).toHaveLength(3);
    const pending = openai.chat.completions.create(params);
    expect(wrong(fromOpenAIChat, pending)).toThrow('fromOpenAIChat: got a promise, not an OpenAI chat completion; await it and pass the result');
    await pending;
    const raw = await openai.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    expect(wrong(fromOpenAIChat, raw)).toThrow('got a stream of chunks, not an OpenAI chat completion; use client.chat.completions.stream(…)');
    let chunks = 0;
    for await (const chunk of raw) {
      expect(wrong(fromOpenAIChat, chunk)).toThrow('got one chunk of a streamed chat completion');
      chunks += 1;
    }
    expect(chunks).toBeGreaterThan(5);
  });

  it('OpenAI Responses: the stream helper and the events of a raw stream', async () => {
    const { openai } = clients();
    const helper = openai.responses.stream({ model: 'gpt-5-mini', input: 'hi' });
    expect(wrong(fromOpenAIResponses, helper)).toThrow('call finalResponse() and pass its result');
    await helper.finalResponse();
    const raw = await openai.responses.create({ model: 'gpt-5-mini', input: 'hi', stream: true });
    let events = 0;
    for await (const event of raw) {
      expect(wrong(fromOpenAIResponses, event)).toThrow(`got a stream event (${event.type}), not a response`);
      events += 1;
    }
    expect(events).toBeGreaterThan(2);
  });

  it('Anthropic: the stream helper, an un-awaited call and the events of a raw stream', async () => {
    const { anthropic } = clients();
    const params = { model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };
    const helper = anthropic.messages.stream(params);
    expect(wrong(fromAnthropic, helper)).toThrow('fromAnthropic: got a stream object, not an Anthropic message; call finalMessage() and pass its result');
    await helper.finalMessage();
    const pending = anthropic.messages.create(params);
    expect(wrong(fromAnthropic, pending)).toThrow('got a promise');
    await pending;
    const raw = await anthropic.messages.create({ ...params, stream: true });
    let events = 0;
    for await (const event of raw) {
      expect(wrong(fromAnthropic, event)).toThrow(`got a stream event (${event.type}), not a message`);
      events += 1;
    }
    expect(events).toBeGreaterThan(2);
  });

  it('AI SDK: a streamText result and its stream parts', async () => {
    const result = streamText({ model: createAnthropic({ baseURL: `${provider.url}/v1`, apiKey: 'test' })('claude-sonnet-4-6'), prompt: 'hi' });
    expect(wrong(fromAiSdkFinish, result)).toThrow('got a streamText result, whose fields are promises');
    let parts = 0;
    for await (const part of result.fullStream) {
      expect(wrong(fromAiSdkStep, part)).toThrow(`got a stream part (${part.type}), not a step`);
      parts += 1;
    }
    expect(parts).toBeGreaterThan(2);
    expect(fromAiSdkFinish({ steps: await result.steps }, o)[0]).toMatchObject({ cost_info: { token_usage: USAGE.anthropicTools } });
  });
});
