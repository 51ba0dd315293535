import { describe, expect, it } from 'vitest';
import { AdapterInputError, EntryError, fromAiSdkFinish, fromAiSdkStep, fromAnthropic, fromOpenAIChat, fromOpenAIResponses } from '../../src/index.js';
import { payload } from './payloads.js';

// Stand-ins with the shapes of the SDK objects a caller passes by mistake; the end-to-end test
// (sdk-e2e.test.ts) passes the real ones.
const stream = (final: string) => ({ [final]: async () => ({}), [Symbol.asyncIterator]: async function* () {}, controller: new AbortController() });
const rawStream = () => ({ controller: new AbortController(), [Symbol.asyncIterator]: async function* () {} });
const chatChunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] };

/** Calls `adapt` and returns the AdapterInputError it throws. */
function mistake(adapt: () => unknown): AdapterInputError {
  try {
    adapt();
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterInputError);
    expect(error).toBeInstanceOf(EntryError);
    return error as AdapterInputError;
  }
  throw new Error('expected an AdapterInputError');
}

const o = { conversation_id: 'c1' };
const fromAny = <T>(adapt: (value: T, options: typeof o) => unknown) => (value: unknown) => () => adapt(value as T, o);

describe('mistakes explain what to pass instead', () => {
  it('a stream object: call its final method', () => {
    expect(mistake(fromAny(fromOpenAIChat)(stream('finalChatCompletion'))).message).toBe(
      'fromOpenAIChat: got a stream object, not an OpenAI chat completion; call finalChatCompletion() and pass its result: fromOpenAIChat(await stream.finalChatCompletion(), options)',
    );
    expect(mistake(fromAny(fromOpenAIResponses)(stream('finalResponse'))).message).toContain('call finalResponse() and pass its result');
    expect(mistake(fromAny(fromAnthropic)(stream('finalMessage'))).message).toContain('call finalMessage() and pass its result');
  });

  it('an un-awaited call: await it', () => {
    const pending = Promise.resolve(payload('openai-chat-tool-calls'));
    expect(mistake(fromAny(fromOpenAIChat)(pending)).message).toBe('fromOpenAIChat: got a promise, not an OpenAI chat completion; await it and pass the result');
    expect(mistake(fromAny(fromAnthropic)(pending)).message).toContain('await it');
    expect(mistake(fromAny(fromAiSdkFinish)(pending)).message).toContain('await it');
  });

  it('a stream of chunks (stream: true): use the stream helper and its final result', () => {
    expect(mistake(fromAny(fromOpenAIChat)(rawStream())).message).toBe(
      'fromOpenAIChat: got a stream of chunks, not an OpenAI chat completion; use client.chat.completions.stream(…) instead of create({ stream: true }), and pass await stream.finalChatCompletion()',
    );
    expect(mistake(fromAny(fromAnthropic)(rawStream())).message).toContain('await stream.finalMessage()');
    expect(mistake(fromAny(fromOpenAIResponses)(rawStream())).message).toContain('await stream.finalResponse()');
  });

  it('one chunk or event of a stream', () => {
    expect(mistake(fromAny(fromOpenAIChat)(chatChunk)).message).toContain('got one chunk of a streamed chat completion');
    const event = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } };
    expect(mistake(fromAny(fromAnthropic)(event)).message).toBe(
      'fromAnthropic: got a stream event (content_block_delta), not a message; use client.messages.stream(…) and pass await stream.finalMessage()',
    );
    const done = { type: 'response.completed', sequence_number: 9, response: {} };
    expect(mistake(fromAny(fromOpenAIResponses)(done)).message).toContain('pass event.response of the response.completed event');
    expect(mistake(fromAny(fromAiSdkStep)({ type: 'text-delta', id: '0', text: 'Hi' })).message).toBe(
      'fromAiSdkStep: got a stream part (text-delta), not a step; pass the step of onStepFinish (onStepEnd in v7) or the event of onFinish (onEnd in v7)',
    );
  });

  it('a streamText result, whose fields are promises', () => {
    const result = { text: Promise.resolve('hi'), steps: Promise.resolve([]), usage: Promise.resolve({}), textStream: rawStream() };
    expect(mistake(fromAny(fromAiSdkFinish)(result)).message).toContain('got a streamText result, whose fields are promises');
  });

  it('nothing, or something else entirely', () => {
    expect(mistake(fromAny(fromOpenAIChat)(undefined)).message).toBe('fromOpenAIChat: expected an OpenAI chat completion, got undefined');
    expect(mistake(fromAny(fromAnthropic)([chatChunk])).message).toContain('got an array; for stream chunks, pass the final response instead');
    expect(mistake(fromAny(fromOpenAIResponses)({ id: 'x', choices: [] })).message).toBe(
      'fromOpenAIResponses: expected an OpenAI Responses API response, got an object with keys id, choices',
    );
    expect(mistake(fromAny(fromAiSdkStep)({ foo: 1 })).field).toBe('response');
  });
});
