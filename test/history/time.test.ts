import { describe, expect, it } from 'vitest';
import { parseDuration, QueryError, toTimestamp } from '../../src/index.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');

describe('durations and times', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['1h', 3_600_000],
    ['2d', 2 * 86_400_000],
    ['1w', 7 * 86_400_000],
    ['1d12h', 36 * 3_600_000],
    ['90s', 90_000],
  ])('%s is %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('turns a duration into the time that long before now', () => {
    expect(toTimestamp('1d12h', NOW)).toBe('2026-11-22T00:00:00.000Z');
  });

  it('accepts ISO date-times and dates, and Date objects', () => {
    expect(toTimestamp('2026-11-20T10:00:00+02:00', NOW)).toBe('2026-11-20T08:00:00.000Z');
    expect(toTimestamp('2026-11-20', NOW)).toBe('2026-11-20T00:00:00.000Z');
    expect(toTimestamp(new Date(NOW), NOW)).toBe('2026-11-23T12:00:00.000Z');
  });

  it.each(['yesterday', '1x', '-1h', '', '2026-13-45', 'h1'])('rejects %j with a clear error', (text) => {
    expect(() => toTimestamp(text, NOW, 'since')).toThrow(QueryError);
    expect(() => toTimestamp(text, NOW, 'since')).toThrow(/invalid since .*expected a duration \(30m, 1h, 2d, 1w, 1d12h\) or an ISO date-time/);
  });

  it('rejects a bad duration by name', () => {
    expect(() => parseDuration('5 minutes')).toThrow('invalid duration "5 minutes": expected e.g. 30m, 1h, 2d, 1w or 1d12h');
  });
});

describe('time zones', () => {
  it('reads a date-time without an offset as UTC, like a bare date', () => {
    expect(toTimestamp('2026-11-20T10:00', NOW)).toBe('2026-11-20T10:00:00.000Z');
    expect(toTimestamp('2026-11-20 10:00:30', NOW)).toBe('2026-11-20T10:00:30.000Z');
  });
});
