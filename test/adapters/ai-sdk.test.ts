import { describe, expect, it } from 'vitest';
import { aiSdkUsage, fromAiSdkFinish, fromAiSdkStep } from '../../src/index.js';
import {
  v4AnthropicStep,
  v4NoUsageStep,
  v4OpenAIStep,
  v5AnthropicStep,
  v5Finish,
  v5TextStep,
  v5ToolStep,
  v6NoUsageStep,
  v6Step,
  v7End,
  v7NoUsageStep,
  v7StepEnd,
} from './payloads/ai-sdk.js';
import { expectValid } from './payloads.js';

describe('fromAiSdkStep', () => {
  it('takes tool results from the step, and the error of a tool that threw', () => {
    const entries = fromAiSdkStep(v5ToolStep, { conversation_id: 'c1', name: 'concierge', durationMs: 1200 });
    const message_id = 'resp_0a1b2c3d4e5f';
    expect(entries).toEqual([
      {
        type: 'message',
        conversation_id: 'c1',
        message_id,
        role: 'assistant',
        finish_reason: 'tool-calls',
        content: '',
        name: 'concierge',
        model: 'openai/gpt-5-mini-2025-08-07',
        cost_info: { token_usage: { total: 1576, prompt: 1480, completion: 96, cache_read: 1152, reasoning: 64 } },
        response_time: 1.2,
      },
      {
        type: 'tool_call',
        conversation_id: 'c1',
        message_id,
        tool_call_id: 'call_Kd7Wm2Pq',
        tool_name: 'getWeather',
        args: { city: 'Oslo' },
        result: { tempC: -3, sky: 'snow' },
      },
      {
        type: 'tool_call',
        conversation_id: 'c1',
        message_id,
        tool_call_id: 'call_Rt4Xn9Zs',
        tool_name: 'bookTable',
        args: { restaurant: 'Maaemo', people: 4 },
        result: { error: 'fully booked' },
      },
    ]);
    expectValid(entries);
  });

  it('adds the cache back into prompt for v5 Anthropic, whose inputTokens leave it out', () => {
    const [message] = fromAiSdkStep(v5AnthropicStep, { conversation_id: 'c2', cost: 0.0021 });
    expect(message).toEqual({
      type: 'message',
      conversation_id: 'c2',
      message_id: 'msg_01Vb3Hn8QwZx',
      role: 'assistant',
      finish_reason: 'stop',
      content: 'The diff looks safe to merge.',
      model: 'anthropic/claude-sonnet-4-5-20250929',
      cost_info: { token_usage: { total: 4878, prompt: 212 + 4096 + 512, completion: 58, cache_read: 4096, cache_write: 512 }, total_cost: 0.0021 },
    });
  });

  it('reads v4 args, result and the cache counts in provider metadata', () => {
    const entries = fromAiSdkStep(v4OpenAIStep, { conversation_id: 'c3' });
    expect(entries).toEqual([
      {
        type: 'message',
        conversation_id: 'c3',
        message_id: 'chatcmpl-v4Abc123',
        role: 'assistant',
        finish_reason: 'tool-calls',
        content: 'Checking the calendar.',
        model: 'openai/gpt-4o-2024-08-06',
        cost_info: { token_usage: { total: 955, prompt: 920, completion: 35, cache_read: 768, reasoning: 0 } },
      },
      {
        type: 'tool_call',
        conversation_id: 'c3',
        message_id: 'chatcmpl-v4Abc123',
        tool_call_id: 'call_v4Cal1',
        tool_name: 'calendar',
        args: { day: '2026-11-24' },
        result: ['09:00 standup', '14:00 review'],
      },
    ]);
    expectValid(entries);
  });

  it('keeps the raw input of an invalid v6 tool call and leaves its result null', () => {
    const [message, call] = fromAiSdkStep(v6Step, { conversation_id: 'c4' });
    expect(message.cost_info?.token_usage).toEqual({ total: 5520, prompt: 5300, completion: 220, cache_read: 4096, cache_write: 1024, reasoning: 100 });
    expect(call).toMatchObject({ tool_name: 'saveSummary', args: { _raw: '{"title":"Weekly"' }, result: null });
    expectValid([message, call]);
  });

  it('names the provider only when the caller or a single metadata key says which', () => {
    expect(fromAiSdkStep(v4NoUsageStep, { conversation_id: 'c5' })[0].model).toBe('llama3.1:8b');
    expect(fromAiSdkStep(v4NoUsageStep, { conversation_id: 'c5', provider: 'ollama' })[0].model).toBe('ollama/llama3.1:8b');
  });
});

describe('aiSdkUsage', () => {
  it('normalises every SDK version so that prompt counts cached tokens', () => {
    expect(aiSdkUsage(v5TextStep)).toEqual({ total: 1743, prompt: 1702, completion: 41, cache_read: 1536, reasoning: 0 });
    expect(aiSdkUsage(v4AnthropicStep)).toEqual({ total: 2033, prompt: 2030, completion: 3, cache_read: 2000, cache_write: 0 });
  });

  it('treats the NaN counts of v4 as no usage, keeping the caller cost', () => {
    expect(aiSdkUsage(v4NoUsageStep)).toBeUndefined();
    expect(fromAiSdkStep(v4NoUsageStep, { conversation_id: 'c', cost: 0.1 })[0].cost_info).toEqual({ total_cost: 0.1 });
    expect(fromAiSdkStep(v4NoUsageStep, { conversation_id: 'c' })[0]).not.toHaveProperty('cost_info');
  });

  it('is absent when v6 or v7 report no usage, though they always send the token details', () => {
    expect(aiSdkUsage(v6NoUsageStep)).toBeUndefined();
    expect(aiSdkUsage(v7NoUsageStep)).toBeUndefined();
    for (const step of [v6NoUsageStep, v7NoUsageStep]) {
      expect(fromAiSdkStep(step, { conversation_id: 'c' })[0]).not.toHaveProperty('cost_info');
      expect(fromAiSdkStep(step, { conversation_id: 'c', cost: 0.2 })[0].cost_info).toEqual({ total_cost: 0.2 });
    }
  });

  it('is absent when the step has no usage', () => {
    expect(aiSdkUsage({ text: 'hi' })).toBeUndefined();
    expect(aiSdkUsage({ usage: {} })).toBeUndefined();
  });
});

describe('fromAiSdkFinish', () => {
  it('logs every step of the run in order, with the cost on the last message', () => {
    const entries = fromAiSdkFinish(v5Finish, { conversation_id: 'c1', message_id: 'run-7', cost: 0.004, durationMs: 4000 });
    expect(entries.map((entry) => [entry.type, entry.message_id])).toEqual([
      ['message', 'run-7-1'],
      ['tool_call', 'run-7-1'],
      ['tool_call', 'run-7-1'],
      ['message', 'run-7-2'],
    ]);
    const [first, , , last] = entries;
    expect(first).not.toHaveProperty('response_time');
    expect(first?.type === 'message' && first.cost_info).toEqual({ token_usage: { total: 1576, prompt: 1480, completion: 96, cache_read: 1152, reasoning: 64 } });
    expect(last).toMatchObject({ content: v5TextStep.text, cost_info: { total_cost: 0.004 } });
    expect(last).not.toHaveProperty('response_time');
    expectValid(entries);
  });

  it('treats a single-step run like that step, keeping message id and response time', () => {
    const single = { ...v5AnthropicStep, steps: [v5AnthropicStep] };
    const options = { conversation_id: 'c2', message_id: 'm1', durationMs: 900 };
    expect(fromAiSdkFinish(single, options)).toEqual(fromAiSdkStep(v5AnthropicStep, options));
    expect(fromAiSdkFinish(v5AnthropicStep, options)).toEqual(fromAiSdkStep(v5AnthropicStep, options));
  });

  it('uses each step response id as its message id when the caller gives none', () => {
    const ids = fromAiSdkFinish(v5Finish, { conversation_id: 'c3' }).map((entry) => entry.message_id);
    expect(ids).toEqual(['resp_0a1b2c3d4e5f', 'resp_0a1b2c3d4e5f', 'resp_0a1b2c3d4e5f', 'resp_6f7a8b9c0d1e']);
  });
});

describe('the v7 callbacks onStepEnd and onEnd', () => {
  it('take the same adapters as onStepFinish and onFinish', () => {
    const [message, call] = fromAiSdkStep(v7StepEnd, { conversation_id: 'c7', name: 'forecaster' });
    expect(message).toMatchObject({
      message_id: 'resp_v7a1',
      model: 'openai/gpt-5-mini-2025-08-07',
      cost_info: { token_usage: { total: 970, prompt: 900, completion: 70, cache_read: 768, reasoning: 48 } },
    });
    expect(call).toMatchObject({ tool_call_id: 'call_v7Wx', tool_name: 'getWeather', args: { city: 'Bergen' }, result: { tempC: 6, sky: 'rain' } });
    const entries = fromAiSdkFinish(v7End, { conversation_id: 'c7', message_id: 'run-1', cost: 0.003 });
    expect(entries.map((entry) => [entry.type, entry.message_id])).toEqual([
      ['message', 'run-1-1'],
      ['tool_call', 'run-1-1'],
      ['message', 'run-1-2'],
    ]);
    expect(entries[2]).toMatchObject({
      content: 'Rain in Bergen, 6 °C.',
      cost_info: { token_usage: { total: 1022, prompt: 1010, completion: 12, cache_read: 768, reasoning: 0 }, total_cost: 0.003 },
    });
    expectValid(entries);
  });
});
