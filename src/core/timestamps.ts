import { z } from 'zod';

// The `timestamp` of an entry as clients write it, and as every store keeps it: ISO 8601 UTC
// with milliseconds (what `toISOString` gives).

/** The form `toISOString` writes: a valid date-time of that form is already its own ISO string. */
const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const HAS_OFFSET = /(?:Z|[+-]\d\d:\d\d)$/;

/**
 * Epoch numbers below this magnitude are seconds, others milliseconds: 1e11 seconds is the
 * year 5138, 1e11 milliseconds is March 1973, so neither reading is plausible past it.
 */
const EPOCH_SECONDS_BELOW = 1e11;
/** The largest distance from the epoch a Date holds, in milliseconds. */
const MAX_DATE_MS = 8.64e15;

/** An epoch number as milliseconds (see EPOCH_SECONDS_BELOW); a fraction of a millisecond is rounded. */
function epochMs(value: number): number {
  return Math.round(Math.abs(value) < EPOCH_SECONDS_BELOW ? value * 1000 : value);
}

/** A timestamp as stored: ISO 8601 UTC with milliseconds. A date-time without an offset is UTC. */
function isoOf(value: string | number | Date): string {
  if (typeof value === 'number') return new Date(epochMs(value)).toISOString();
  if (typeof value !== 'string') return value.toISOString();
  if (CANONICAL_ISO.test(value)) return value;
  return new Date(HAS_OFFSET.test(value) ? value : `${value}Z`).toISOString();
}

const TIMESTAMP_HELP =
  'expected an ISO 8601 date-time such as 2026-11-29T10:00:00Z, 2026-11-29T10:00:00.123456 (no offset = UTC) ' +
  'or 2026-11-29T12:00:00+02:00, or epoch seconds or milliseconds such as 1795946400 or 1795946400123';

/** An entry's `timestamp`: an ISO 8601 date-time (offset optional), epoch seconds or milliseconds, or a Date. */
export const timestampField = z
  .union(
    [
      z.iso.datetime({ offset: true, local: true, error: TIMESTAMP_HELP }),
      // Bounded so that every accepted number is a valid Date, read as seconds or milliseconds.
      z.number().gte(-MAX_DATE_MS, { error: TIMESTAMP_HELP }).lte(MAX_DATE_MS, { error: TIMESTAMP_HELP }),
      z.date(),
    ],
    { error: TIMESTAMP_HELP },
  )
  .transform(isoOf);
