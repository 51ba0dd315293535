import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromAiSdkFinish, fromAiSdkStep, fromAnthropic, fromOpenAIChat, fromOpenAIResponses, logAiSdkSteps, type MessageInput, type ToolCallInput } from '../../src/index.js';

// What a response says besides its text (issue 14): why it stopped, the provider's id beside the
// caller's own message id, the reasoning text when asked for, and the response time of AI SDK steps.

const chat = {
  id: 'chatcmpl-cut',
  model: 'deepseek-reasoner',
  choices: [{ finish_reason: 'length', message: { content: 'half an ans', reasoning_content: 'Let me think.' } }],
  usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
};

describe('finish reason, response id and reasoning', () => {
  it('OpenAI chat: finish_reason, response_id beside the caller message id, reasoning only when asked', () => {
    const [plain] = fromOpenAIChat(chat, { conversation_id: 'c' });
    expect(plain).toMatchObject({ message_id: 'chatcmpl-cut', finish_reason: 'length' });
    expect(plain).not.toHaveProperty('response_id');
    expect(plain).not.toHaveProperty('reasoning');
    const [mine] = fromOpenAIChat(chat, { conversation_id: 'c', message_id: 'm-1', reasoning: true });
    expect(mine).toMatchObject({ message_id: 'm-1', response_id: 'chatcmpl-cut', reasoning: 'Let me think.' });
  });

  it('OpenAI Responses: the reason of an incomplete response, else its status; reasoning summaries when asked', () => {
    const response = {
      id: 'resp_1',
      model: 'o4-mini',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'First,' }, { type: 'summary_text', text: 'then.' }] },
        { type: 'message', id: 'msg_1', content: [{ type: 'output_text', text: 'par' }] },
      ],
    };
    const [cut] = fromOpenAIResponses(response, { conversation_id: 'c', reasoning: true });
    expect(cut).toMatchObject({ finish_reason: 'max_output_tokens', reasoning: 'First,\n\nthen.' });
    const [done] = fromOpenAIResponses({ ...response, status: 'completed', incomplete_details: null }, { conversation_id: 'c' });
    expect(done).toMatchObject({ finish_reason: 'completed' });
    expect(done).not.toHaveProperty('reasoning');
  });

  it('Anthropic: stop_reason, and thinking blocks as reasoning only when asked', () => {
    const message = {
      id: 'msg_1',
      model: 'claude-sonnet-4-5',
      stop_reason: 'max_tokens',
      content: [
        { type: 'thinking', thinking: 'Hmm.', signature: 'sig' },
        { type: 'text', text: 'Part' },
      ],
      usage: { input_tokens: 5, output_tokens: 7 },
    };
    const [plain] = fromAnthropic(message, { conversation_id: 'c' });
    expect(plain).toMatchObject({ content: 'Part', finish_reason: 'max_tokens' });
    expect(plain).not.toHaveProperty('reasoning');
    expect(fromAnthropic(message, { conversation_id: 'c', reasoning: true, message_id: 'mine' })[0]).toMatchObject({ reasoning: 'Hmm.', response_id: 'msg_1' });
  });

  it('AI SDK: finishReason, reasoningText (v5+) or reasoning (v4) when asked, for each step of a run', () => {
    const step = { text: 'cut', finishReason: 'length', reasoningText: 'Thinking…', reasoning: [{ type: 'reasoning', text: 'Thinking…' }], response: { id: 'r1', modelId: 'gpt-5' } };
    expect(fromAiSdkStep(step, { conversation_id: 'c', reasoning: true })[0]).toMatchObject({ finish_reason: 'length', reasoning: 'Thinking…' });
    expect(fromAiSdkStep({ text: 'x', reasoning: 'v4 thoughts' }, { conversation_id: 'c', reasoning: true })[0]).toMatchObject({ reasoning: 'v4 thoughts' });
    const run = fromAiSdkFinish({ steps: [step, { ...step, finishReason: 'stop', response: { id: 'r2' } }] }, { conversation_id: 'c', reasoning: true, message_id: 'run' });
    expect(run.map((entry) => [entry.message_id, (entry as MessageInput).finish_reason, (entry as MessageInput).response_id, (entry as MessageInput).reasoning])).toEqual([
      ['run-1', 'length', 'r1', 'Thinking…'],
      ['run-2', 'stop', 'r2', 'Thinking…'],
    ]);
  });
});

describe('response time on the AI SDK paths', () => {
  afterEach(() => vi.useRealTimers());

  it('takes what v7 measured (performance.responseTimeMs), per step of a run too', () => {
    const step = { text: 'x', performance: { responseTimeMs: 1250 } };
    expect(fromAiSdkStep(step, { conversation_id: 'c' })[0]).toMatchObject({ response_time: 1.25 });
    const run = fromAiSdkFinish({ steps: [step, { text: 'y', performance: { responseTimeMs: 500 } }] }, { conversation_id: 'c' });
    expect(run.map((entry) => (entry as MessageInput).response_time)).toEqual([1.25, 0.5]);
  });

  it('logAiSdkSteps times each step from the previous one, and logs its entries', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-26T09:00:00.000Z'));
    const logged: Array<MessageInput | ToolCallInput> = [];
    const onStepFinish = logAiSdkSteps({ log: (entry) => logged.push(entry) }, { conversation_id: 'c', name: 'planner' });
    vi.advanceTimersByTime(1500);
    onStepFinish({ text: 'first', toolCalls: [{ toolCallId: 't1', toolName: 'grep', input: {} }], toolResults: [{ toolCallId: 't1', output: 3 }] });
    vi.advanceTimersByTime(700);
    onStepFinish({ text: 'second', performance: { responseTimeMs: 400 } });
    vi.advanceTimersByTime(200);
    onStepFinish({ text: 'third' });
    expect(logged.map((entry) => [entry.type, entry.type === 'message' ? entry.response_time : entry.result])).toEqual([
      ['message', 1.5],
      ['tool_call', 3],
      ['message', 0.4],
      ['message', 0.2],
    ]);
  });
});
