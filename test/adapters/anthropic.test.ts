import { describe, expect, it } from 'vitest';
import { fromAnthropic, type AnthropicMessageLike } from '../../src/index.js';
import { expectValid, payload } from './payloads.js';

const message = (name: string) => payload<AnthropicMessageLike>(`anthropic-${name}`);

describe('fromAnthropic', () => {
  it('counts cache reads and writes in prompt, since Anthropic input_tokens leaves them out', () => {
    const entries = fromAnthropic(message('tool-use'), { conversation_id: 'c1', name: 'reviewer', cost: 0.0052 });
    const message_id = 'msg_01XFDUDYJgAACzvnptvVoYEL';
    expect(entries).toEqual([
      {
        type: 'message',
        conversation_id: 'c1',
        message_id,
        role: 'assistant',
        finish_reason: 'tool_use',
        content: "I'll look up the open issues and the CI status.",
        name: 'reviewer',
        model: 'anthropic/claude-sonnet-4-5-20250929',
        cost_info: {
          token_usage: { total: 8462, prompt: 152 + 6144 + 2048, completion: 118, cache_read: 6144, cache_write: 2048 },
          total_cost: 0.0052,
        },
      },
      {
        type: 'tool_call',
        conversation_id: 'c1',
        message_id,
        tool_call_id: 'toolu_01A09q90qw90lq917835lq9',
        tool_name: 'list_issues',
        args: { repo: 'acme/historian', state: 'open', labels: ['release-blocker'] },
        result: null,
      },
      {
        type: 'tool_call',
        conversation_id: 'c1',
        message_id,
        tool_call_id: 'toolu_01B7fJx2Kp3mQw8RtYs4NvZc',
        tool_name: 'ci_status',
        args: {},
        result: null,
      },
    ]);
    expectValid(entries);
  });

  it('joins text blocks and leaves thinking blocks out', () => {
    const entries = fromAnthropic(message('thinking'), { conversation_id: 'c2' });
    expect(entries).toEqual([
      {
        type: 'message',
        conversation_id: 'c2',
        message_id: 'msg_01Lq8Zt3RkWcVn5YpHd2XaMe',
        role: 'assistant',
        finish_reason: 'end_turn',
        content: 'All three release blockers are closed. The release can go out on Thursday.',
        model: 'anthropic/claude-opus-4-1-20250805',
        cost_info: { token_usage: { total: 2546, prompt: 1834, completion: 712, cache_read: 0, cache_write: 0 } },
      },
    ]);
    expectValid(entries);
  });

  it('records a refusal with no content as an empty message, treating null cache counts as unreported', () => {
    const entries = fromAnthropic(message('refusal'), { conversation_id: 'c3' });
    expect(entries).toEqual([
      {
        type: 'message',
        conversation_id: 'c3',
        message_id: 'msg_01Rf4Hs9TgYbWm2KcXp7NzLd',
        role: 'assistant',
        finish_reason: 'refusal',
        content: '',
        model: 'anthropic/claude-sonnet-4-5-20250929',
        cost_info: { token_usage: { total: 64, prompt: 64, completion: 0 } },
      },
    ]);
    expectValid(entries);
  });

  it('keeps tool input that is still an unparsable partial_json string (a message rebuilt from a cut-off stream)', () => {
    const [text, call] = fromAnthropic(message('streamed-truncated'), { conversation_id: 'c4' });
    expect(text.content).toBe('Writing the notes now.');
    expect(call).toEqual({
      type: 'tool_call',
      conversation_id: 'c4',
      message_id: 'msg_01Mt6Kc1VqPzXn8HwRd3YsJb',
      tool_call_id: 'toolu_01Cx5Ne8Wr2LpTq9HzMa6Kdf',
      tool_name: 'write_file',
      args: { _raw: '{"path": "notes.md", "contents": "# Rel' },
      result: null,
    });
    expectValid([text, call]);
  });

  it('measures response_time from the start and finish times the caller gives', () => {
    const startedAt = new Date('2026-11-23T10:00:00.000Z');
    const [timed] = fromAnthropic(message('thinking'), { conversation_id: 'c5', startedAt, finishedAt: startedAt.getTime() + 4125 });
    expect(timed.response_time).toBe(4.125);
  });
});
