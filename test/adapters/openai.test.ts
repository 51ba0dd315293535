import { describe, expect, it } from 'vitest';
import { fromOpenAIChat, fromOpenAIResponses, type OpenAIChatCompletionLike, type OpenAIResponseLike } from '../../src/index.js';
import { expectValid, payload } from './payloads.js';

const chat = (name: string) => payload<OpenAIChatCompletionLike>(`openai-chat-${name}`);
const responses = (name: string) => payload<OpenAIResponseLike>(`openai-responses-${name}`);

describe('fromOpenAIChat', () => {
  it('turns parallel tool calls into one message and one tool call each, keeping cached tokens', () => {
    const entries = fromOpenAIChat(chat('tool-calls'), { conversation_id: 'c1', name: 'planner', cost: 0.0061 });
    const message_id = 'chatcmpl-BKx7Qm2cJ9aTgWp4sYvN1eRkLd3Zf';
    expect(entries).toEqual([
      {
        type: 'message',
        conversation_id: 'c1',
        message_id,
        role: 'assistant',
        finish_reason: 'tool_calls',
        content: '',
        name: 'planner',
        model: 'openai/gpt-4o-2024-08-06',
        cost_info: { token_usage: { total: 2397, prompt: 2310, completion: 87, cache_read: 1920, reasoning: 0 }, total_cost: 0.0061 },
      },
      {
        type: 'tool_call',
        conversation_id: 'c1',
        message_id,
        tool_call_id: 'call_Yf3mX8qLr2TzPaN6vKd1wBcE',
        tool_name: 'get_weather',
        args: { city: 'Paris', unit: 'celsius' },
        result: null,
      },
      {
        type: 'tool_call',
        conversation_id: 'c1',
        message_id,
        tool_call_id: 'call_Q9sHk4Ue7JmWn2RbXtLc5GaV',
        tool_name: 'list_flights',
        args: { from: 'LHR', to: 'CDG', date: '2026-12-01', direct: true },
        result: null,
      },
      {
        type: 'tool_call',
        conversation_id: 'c1',
        message_id,
        tool_call_id: 'call_Zr1pD6nMv8CwK3eJqYs0TfHb',
        tool_name: 'get_time',
        args: {},
        result: null,
      },
    ]);
    expectValid(entries);
  });

  it('keeps the reasoning tokens of a reasoning model inside completion', () => {
    const [message, ...calls] = fromOpenAIChat(chat('reasoning'), { conversation_id: 'c2' });
    expect(calls).toEqual([]);
    expect(message).toEqual({
      type: 'message',
      conversation_id: 'c2',
      message_id: 'chatcmpl-BKx9Vd0hT4nRcQe8uMzP2aXyWs7Lj',
      role: 'assistant',
      finish_reason: 'stop',
      content: 'The release can ship on Thursday: all three blockers are closed and the canary has been green for 48 hours.',
      model: 'openai/o4-mini-2025-04-16',
      cost_info: { token_usage: { total: 1576, prompt: 412, completion: 1164, cache_read: 0, reasoning: 1088 } },
    });
    expectValid([message]);
  });

  it('records a refusal as the message content', () => {
    const [message] = fromOpenAIChat(chat('refusal'), { conversation_id: 'c3' });
    expect(message.content).toBe("I'm sorry, I can't help with that request.");
  });

  it("records a filtered response as an empty message without usage when none was reported, keeping the caller's cost", () => {
    const entries = fromOpenAIChat(chat('content-filter'), { conversation_id: 'c4', cost: 0.001 });
    expect(entries).toEqual([
      {
        type: 'message',
        conversation_id: 'c4',
        message_id: 'chatcmpl-BKxCd1Hq8TzWm3NcRv5YpLk9Ea0Sb',
        role: 'assistant',
        finish_reason: 'content_filter',
        content: '',
        model: 'openai/gpt-4o-2024-08-06',
        cost_info: { total_cost: 0.001 },
      },
    ]);
    expectValid(entries);
  });

  it('keeps truncated or non-object arguments as the raw string instead of throwing', () => {
    const [, write, search] = fromOpenAIChat(chat('truncated'), { conversation_id: 'c5' });
    expect(write?.args).toEqual({ _raw: '{"path":"notes/plan.md","contents":"# Plan\\n1. Fre' });
    expect(search?.args).toEqual({ _raw: '["release", "blockers"]' });
    expectValid([write, search]);
  });

  it('reads custom tool calls, whose input is free-form text', () => {
    const response: OpenAIChatCompletionLike = {
      id: 'chatcmpl-custom',
      model: 'gpt-5',
      choices: [{ message: { content: null, tool_calls: [{ id: 'call_1', type: 'custom', custom: { name: 'shell', input: 'ls -la' } }] } }],
    };
    const [, call] = fromOpenAIChat(response, { conversation_id: 'c6' });
    expect(call).toMatchObject({ tool_name: 'shell', args: { input: 'ls -la' } });
  });

  it('uses the caller message id and provider, and no prefix twice', () => {
    const response = { ...chat('tool-calls'), model: 'openrouter/auto' };
    const entries = fromOpenAIChat(response, { conversation_id: 'c7', message_id: 'm-42', provider: 'openrouter' });
    expect(entries.map((entry) => entry.message_id)).toEqual(['m-42', 'm-42', 'm-42', 'm-42']);
    expect(entries[0].model).toBe('openrouter/auto');
    const azure = fromOpenAIChat(chat('reasoning'), { conversation_id: 'c7', provider: 'azure' });
    expect(azure[0].model).toBe('azure/o4-mini-2025-04-16');
  });

  it('makes up a message id that the tool calls share when the response has none', () => {
    const { id: _id, ...anonymous } = chat('tool-calls');
    const [message, ...calls] = fromOpenAIChat(anonymous, { conversation_id: 'c8' });
    expect(message.message_id).toMatch(/^[0-9a-f-]{36}$/);
    for (const call of calls) expect(call.message_id).toBe(message.message_id);
  });
});

describe('fromOpenAIResponses', () => {
  it('keeps a custom_tool_call as a tool call whose free-form input is { input }, as the chat adapter does', () => {
    const [message, call, ...rest] = fromOpenAIResponses(responses('custom-tool'), { conversation_id: 'c9' });
    expect(call).toEqual({
      type: 'tool_call',
      conversation_id: 'c9',
      message_id: 'resp_69b1a0d2f3e48190a1c2b3d4e5f60718293a4b5c6d7e8f90',
      tool_call_id: 'call_Cx4Lq8Wz2Nv6Rt1Y',
      tool_name: 'apply_sql',
      args: { input: 'SELECT id, title FROM notes WHERE done = 0 ORDER BY id LIMIT 5;' },
      result: null,
    });
    // The tool search call is the server's, not a call the caller answers.
    expect(rest).toEqual([]);
    expect(message.cost_info?.token_usage).toEqual({ total: 600, prompt: 512, completion: 88, cache_read: 0, reasoning: 64 });
    expectValid([message, call]);
  });

  it('joins message text, reads function calls by call_id and skips reasoning and built-in tool items', () => {
    const entries = fromOpenAIResponses(responses('function-calls'), { conversation_id: 'c1', durationMs: 2350 });
    const message_id = 'resp_68a3f1c2e4d88190b5a7c3e9d0f21a6b0c4e7f9a2b1d3c5e';
    expect(entries).toEqual([
      {
        type: 'message',
        conversation_id: 'c1',
        message_id,
        role: 'assistant',
        finish_reason: 'completed',
        content: 'Let me check the weather and the trains.',
        model: 'openai/gpt-5-mini-2025-08-07',
        cost_info: { token_usage: { total: 4292, prompt: 3890, completion: 402, cache_read: 3584, reasoning: 320 } },
        response_time: 2.35,
      },
      {
        type: 'tool_call',
        conversation_id: 'c1',
        message_id,
        tool_call_id: 'call_Hn5vJ2kWq8RbT1xMc4LzPe7D',
        tool_name: 'get_weather',
        args: { city: 'Lyon' },
        result: null,
      },
      {
        type: 'tool_call',
        conversation_id: 'c1',
        message_id,
        tool_call_id: 'call_Pq9dF3sLm6WcY0zNv2KtRa8J',
        tool_name: 'find_trains',
        args: { from: 'Paris', to: 'Lyon', passengers: 2 },
        result: null,
      },
    ]);
    expectValid(entries);
  });

  it('records a refusal part as the message content', () => {
    const [message] = fromOpenAIResponses(responses('refusal'), { conversation_id: 'c2' });
    expect(message.content).toBe("I can't assist with that.");
    expect(message.cost_info).toEqual({ token_usage: { total: 66, prompt: 58, completion: 8, cache_read: 0, reasoning: 0 } });
  });

  it('records an incomplete response that produced only reasoning as an empty message', () => {
    const entries = fromOpenAIResponses(responses('incomplete'), { conversation_id: 'c3' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ content: '', model: 'openai/o3-2025-04-16' });
    expect(entries[0].cost_info?.token_usage).toEqual({ total: 1456, prompt: 1200, completion: 256, cache_read: 0, reasoning: 256 });
    expectValid(entries);
  });
});
