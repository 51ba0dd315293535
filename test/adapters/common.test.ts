import { describe, expect, it } from 'vitest';
import { parseToolArgs } from '../../src/index.js';
import { qualifiedModel, responseTime } from '../../src/adapters/common.js';

describe('parseToolArgs', () => {
  it('parses a JSON object string', () => {
    expect(parseToolArgs('{"q":"x","n":2}')).toEqual({ q: 'x', n: 2 });
  });

  it('reads no arguments as an empty object', () => {
    expect(parseToolArgs('')).toEqual({});
    expect(parseToolArgs('  ')).toEqual({});
    expect(parseToolArgs(undefined)).toEqual({});
    expect(parseToolArgs(null)).toEqual({});
  });

  it('keeps malformed JSON and JSON that is not an object as the raw string', () => {
    expect(parseToolArgs('{"q": "x"')).toEqual({ _raw: '{"q": "x"' });
    expect(parseToolArgs('42')).toEqual({ _raw: '42' });
    expect(parseToolArgs('null')).toEqual({ _raw: 'null' });
  });

  it('passes objects through and wraps other values', () => {
    const args = { q: 'x' };
    expect(parseToolArgs(args)).toBe(args);
    expect(parseToolArgs(['a', 'b'])).toEqual({ _value: ['a', 'b'] });
    expect(parseToolArgs(7)).toEqual({ _value: 7 });
  });
});

describe('responseTime', () => {
  it('is absent without a start time or duration', () => {
    expect(responseTime({ conversation_id: 'c' })).toBeUndefined();
  });

  it('prefers the duration, in seconds', () => {
    expect(responseTime({ conversation_id: 'c', durationMs: 1500, startedAt: 0, finishedAt: 9000 })).toBe(1.5);
  });

  it('measures from startedAt to now when no finish time is given', () => {
    const seconds = responseTime({ conversation_id: 'c', startedAt: Date.now() - 2000 });
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeLessThan(10);
  });

  it('never goes negative when clocks disagree', () => {
    expect(responseTime({ conversation_id: 'c', startedAt: 5000, finishedAt: 4000 })).toBe(0);
  });
});

describe('qualifiedModel', () => {
  it('prefixes the provider once', () => {
    expect(qualifiedModel('gpt-4o', 'openai')).toBe('openai/gpt-4o');
    expect(qualifiedModel('openai/gpt-4o', 'openai')).toBe('openai/gpt-4o');
    expect(qualifiedModel('gpt-4o', undefined)).toBe('gpt-4o');
    expect(qualifiedModel(null, 'openai')).toBeUndefined();
  });
});
