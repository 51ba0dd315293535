import { describe, expect, it } from 'vitest';
import { EntryError } from '../../src/index.js';
import { EntryStamper, validateEntry } from '../../src/core/validate.js';

function fieldOf(input: unknown): string {
  try {
    validateEntry(input);
  } catch (error) {
    expect(error).toBeInstanceOf(EntryError);
    return (error as EntryError).field;
  }
  throw new Error('expected an EntryError');
}

describe('entries (SPEC §2)', () => {
  it('accepts every entry type', () => {
    const entries = [
      { type: 'message', conversation_id: 'c', role: 'user', content: 'hi' },
      { type: 'conversation_start', conversation_id: 'c', agent_name: 'a' },
      { type: 'tool_call', conversation_id: 'c', message_id: 'm', tool_name: 't', args: {}, result: null },
      { type: 'command', agent_name: 'a', session_id: 's', command: 'ls' },
      { type: 'context', conversation_id: 'c', role: 'system', content: 'ctx', metadata: { k: 1 } },
    ];
    for (const entry of entries) expect(validateEntry(entry)).toMatchObject(entry);
  });

  it('names the missing, mistyped or unknown field', () => {
    expect(fieldOf({ type: 'message', conversation_id: 'c', role: 'user' })).toBe('content');
    expect(fieldOf({ type: 'message', conversation_id: 'c', role: 'user', content: 1 })).toBe('content');
    expect(fieldOf({ type: 'message', conversation_id: 'c', role: 'user', content: 'x', colour: 'red' })).toBe('colour');
    expect(fieldOf({ type: 'tool_call', conversation_id: 'c', message_id: 'm', tool_name: 't', args: [], result: 1 })).toBe('args');
    const badUsage = { token_usage: { prompt: -1, completion: 2 }, total_cost: 0 };
    expect(fieldOf({ type: 'message', conversation_id: 'c', role: 'a', content: 'x', cost_info: badUsage })).toBe('cost_info.token_usage.prompt');
    expect(fieldOf({ type: 'message', conversation_id: 'c', role: 'a', content: 'x', forwarded_from: ['ok', 3] })).toBe('forwarded_from[1]');
    expect(fieldOf({ type: 'messages' })).toBe('type');
    expect(fieldOf({ type: 'command', agent_name: 'a', session_id: 's', command: 'ls', timestamp: 'yesterday' })).toBe('timestamp');
  });

  it('explains the problem in the message', () => {
    expect(() => validateEntry({ type: 'message', conversation_id: 'c', role: 'user' })).toThrow(
      'invalid entry: content: required field is missing (expected string)',
    );
    expect(() => validateEntry({ type: 'nope' })).toThrow('unknown or missing entry type; expected one of message, conversation_start');
  });

  it('fills in total tokens from prompt and completion', () => {
    const entry = validateEntry({ type: 'message', conversation_id: 'c', role: 'a', content: 'x', cost_info: { token_usage: { prompt: 3, completion: 4 } } });
    expect(entry).toMatchObject({ cost_info: { token_usage: { total: 7, prompt: 3, completion: 4 } } });
  });

  it('takes a cost without token usage, but not an empty cost_info', () => {
    const priced = { type: 'message', conversation_id: 'c', role: 'a', content: 'x', cost_info: { total_cost: 0.25 } };
    expect(validateEntry(priced)).toMatchObject({ cost_info: { total_cost: 0.25 } });
    expect(validateEntry(priced)).not.toHaveProperty('cost_info.token_usage');
    expect(() => validateEntry({ ...priced, cost_info: {} })).toThrow('cost_info: cost_info needs token_usage or total_cost');
  });
});

describe('stamping', () => {
  it('stamps id, an ISO UTC timestamp with milliseconds and a monotonic seq', () => {
    const stamper = new EntryStamper();
    const first = stamper.stamp({ type: 'message', conversation_id: 'c', role: 'user', content: 'a' });
    const second = stamper.stamp({ type: 'message', conversation_id: 'c', role: 'user', content: 'b' });
    expect(first.id).toMatch(/^[0-9a-f]{16}-1$/);
    expect(first.id).not.toBe(second.id);
    expect(first.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(first).toMatchObject({ message_id: first.id });
  });

  it('keeps a given id and normalises a given timestamp to UTC', () => {
    const entry = new EntryStamper().stamp({ type: 'command', id: 'x1', agent_name: 'a', session_id: 's', command: 'ls', timestamp: '2026-11-23T15:00:00+01:00' });
    expect(entry).toMatchObject({ id: 'x1', timestamp: '2026-11-23T14:00:00.000Z', seq: 1 });
  });

  it('writes every given timestamp as toISOString does: UTC, three fraction digits', () => {
    const given = ['2026-11-23T14:00:00Z', '2026-11-23T14:00:00.5Z', '2026-11-23T14:00:00.123456Z', '2026-11-23T15:00:00.000+01:00', '0001-01-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z'];
    const stored = given.map((timestamp) => validateEntry({ type: 'conversation_start', conversation_id: 'c', agent_name: 'a', timestamp }).timestamp);
    expect(stored).toEqual(given.map((timestamp) => new Date(timestamp).toISOString()));
  });

  it('stamps nothing when the entry is bad', () => {
    const stamper = new EntryStamper();
    expect(() => stamper.stamp({ type: 'message' } as never)).toThrow(EntryError);
    expect(stamper.stamp({ type: 'command', agent_name: 'a', session_id: 's', command: 'ls' }).seq).toBe(1);
  });
});
