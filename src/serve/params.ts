import { QueryError } from '../core/errors.js';
import { parseMinDuration, toTimestamp } from '../core/time.js';

/** The most items one page of the API may hold. */
const MAX_LIMIT = 500;

/**
 * The query parameters of one API request, read by name: each reader checks its value and
 * throws a `QueryError` (a 400) naming the parameter and what was expected; `done` rejects the
 * parameters nobody read, so a misspelt filter is an error rather than silently ignored.
 */
export class Params {
  private readonly read = new Set<string>(['token']);

  constructor(private readonly search: URLSearchParams) {}

  /** A text value, or undefined when absent or empty. */
  text(name: string): string | undefined {
    this.read.add(name);
    const values = this.search.getAll(name);
    if (values.length > 1) throw new QueryError(`parameter "${name}" is given ${values.length} times: give it once`);
    return values[0] === '' ? undefined : values[0];
  }

  /** A time: a duration back from now (30m, 2d) or an ISO date-time, checked now. */
  time(name: string): string | undefined {
    const value = this.text(name);
    return value === undefined ? undefined : toTimestamp(value, Date.now(), name);
  }

  /** One of `choices`, else `fallback`. */
  oneOf<T extends string>(name: string, choices: readonly T[], fallback?: T): T | undefined {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if (!(choices as readonly string[]).includes(value)) throw new QueryError(`invalid ${name} "${value}": expected ${choices.join(', ')}`);
    return value as T;
  }

  /** A flag: 1, true, 0 or false. */
  flag(name: string): boolean | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (value === '1' || value === 'true') return true;
    if (value === '0' || value === 'false') return false;
    throw new QueryError(`invalid ${name} "${value}": expected 1, true, 0 or false`);
  }

  /** A minimum duration in milliseconds: 500, 500ms, 2s, 1m30s. */
  duration(name: string): number | undefined {
    const value = this.text(name);
    return value === undefined ? undefined : parseMinDuration(value, name);
  }

  /** `limit` (1…MAX_LIMIT, default `fallback`) and the offset `cursor` stands for. */
  page(fallback = 50): { limit: number; offset: number } {
    const limit = this.text('limit');
    const parsed = limit === undefined ? fallback : Number(limit);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_LIMIT) throw new QueryError(`invalid limit "${limit}": expected a whole number from 1 to ${MAX_LIMIT}`);
    return { limit: parsed, offset: decodeCursor(this.text('cursor')) };
  }

  /** Throws for a parameter no reader asked for. */
  done(): void {
    const unknown = [...new Set(this.search.keys())].filter((name) => !this.read.has(name));
    if (unknown.length > 0) throw new QueryError(`unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}: expected ${[...this.read].filter((n) => n !== 'token').join(', ') || 'none'}`);
  }
}

/** The opaque cursor of the page that starts at `offset`. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^o:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new QueryError(`invalid cursor "${cursor}": pass the next_cursor of a previous page`);
  return Number(match[1]);
}
