import { QueryError } from './errors.js';
import type { Normalized, TimeInput } from './queries.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(?:\d+[smhdw])+$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds in a duration such as `30m`, `1h`, `2d`, `1w` or `1d12h`. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) {
    throw new QueryError(`invalid duration "${text}": expected e.g. 30m, 1h, 2d, 1w or 1d12h`);
  }
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhdw])/g)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total;
}

/**
 * Milliseconds from a minimum duration: milliseconds (`500`, `500ms`) or a duration (`2s`,
 * `1m30s`). Throws `QueryError` naming `name` (an option or a parameter) for anything else.
 */
export function parseMinDuration(text: string, name: string): number {
  const trimmed = text.trim();
  const ms = /^(\d+)(?:ms)?$/.exec(trimmed);
  if (ms) return Number(ms[1]);
  try {
    return parseDuration(trimmed);
  } catch {
    throw new QueryError(`invalid ${name} "${text}": expected milliseconds (500, 500ms) or a duration (2s, 1m30s)`);
  }
}

/**
 * An ISO UTC timestamp from a `Date`, an ISO date-time, or a duration back from `now`.
 * Throws `QueryError` naming the option for anything else.
 */
export function toTimestamp(input: TimeInput, now: number = Date.now(), option = 'time'): string {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) throw new QueryError(`invalid ${option}: invalid Date`);
    return input.toISOString();
  }
  const text = input.trim();
  if (DURATION.test(text)) return new Date(now - parseDuration(text)).toISOString();
  // A date-time without an offset is UTC, like a bare date and like every stored timestamp.
  const utc = /[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
  const parsed = ISO_DATE_TIME.test(text) ? Date.parse(utc.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(parsed)) {
    throw new QueryError(
      `invalid ${option} "${input}": expected a duration (30m, 1h, 2d, 1w, 1d12h) or an ISO date-time (2026-11-23T14:00:00Z)`,
    );
  }
  return new Date(parsed).toISOString();
}

/** Replaces `since` / `until` of a query by ISO strings. */
export function normalizeTimes<Q extends { since?: TimeInput; until?: TimeInput }>(query: Q, now = Date.now()): Normalized<Q> {
  const { since, until } = query;
  return {
    ...query,
    since: since === undefined ? undefined : toTimestamp(since, now, 'since'),
    until: until === undefined ? undefined : toTimestamp(until, now, 'until'),
  } as Normalized<Q>;
}
