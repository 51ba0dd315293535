import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { compileNullStripper } from './absent-nulls.js';
import { EntryError } from './errors.js';
import { compileFastParser, DEFER, type FastParser } from './fast-parse.js';
import { formatPath } from './field-path.js';
import { closest } from './suggest.js';
import { normaliseValues } from './values.js';
import { ENTRY_TYPES, entrySchema, type Entry, type EntryInput } from './entries.js';

function fieldsOf(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => formatPath([...issue.path, key]));
  return [formatPath(issue.path) || 'type'];
}

const TYPES = ENTRY_TYPES.join(', ');

/** What is wrong with the entry's `type`, with the closest known type when one is near. */
function typeProblem(input: unknown): string {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  const hint = typeof type === 'string' ? closest(type, ENTRY_TYPES) : undefined;
  if (hint !== undefined) return `unknown entry type "${type}" (did you mean "${hint}"?); expected one of ${TYPES}`;
  return `unknown or missing entry type; expected one of ${TYPES}`;
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') return 'unknown field';
  if (issue.code === 'invalid_union' && ['', 'type'].includes(formatPath(issue.path))) return typeProblem(input);
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `required field is missing (expected ${issue.expected})`;
  return issue.message.replace(/^Invalid input: /, '');
}

/**
 * The log helpers return the stamped entry, and passing that entry where its id belongs (as
 * `message_id`) is an easy slip: say what to pass instead.
 */
function hint(field: string, issue: z.core.$ZodIssue): string {
  const entryForId = issue.code === 'invalid_type' && issue.expected === 'string' && /received object$/.test(issue.message) && /(^|_)id$/.test(field);
  return entryForId ? ` (an object where an id belongs: logMessage and the other log helpers return the stamped entry; pass its id, e.g. entry.message_id)` : '';
}

function entryError(error: z.ZodError, input: unknown): EntryError {
  const issues = error.issues.flatMap((issue) => fieldsOf(issue).map((field) => ({ field, message: describe(issue, input) + hint(field, issue) })));
  const first = issues[0] ?? { field: 'entry', message: 'invalid entry' };
  const summary = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
  return new EntryError(`invalid entry: ${summary}`, first.field, issues);
}

/** Per entry type, what drops the nulls that mean absent (absent-nulls.ts). */
const nullStrippers = new Map<unknown, (value: unknown) => unknown>(
  entrySchema.options.map((option) => [option.shape.type.value, compileNullStripper(option)]),
);

/** The input as zod is to judge it: values normalised, nulls that mean absent dropped. */
function prepared(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  // Before zod: its records assign keys one by one, and a `__proto__` key would vanish there.
  const values = normaliseValues(input);
  const strip = nullStrippers.get((values as { type?: unknown }).type);
  return strip === undefined ? values : strip(values);
}

/** Validates an entry with zod alone: the judge of every entry and the author of every error message. */
export function validateWithZod(input: unknown): Omit<Entry, 'id' | 'timestamp' | 'seq'> & Partial<Entry> {
  const result = entrySchema.safeParse(prepared(input));
  if (!result.success) throw entryError(result.error, input);
  return result.data as Entry;
}

/** A parser per entry type for well-formed input, built from its schema; zod takes what they defer. */
const fastParsers = new Map<unknown, FastParser>(entrySchema.options.map((option) => [option.shape.type.value, compileFastParser(option)]));

/**
 * Validates an entry without stamping it; throws `EntryError` naming the bad field. Accepts and
 * refuses exactly what `validateWithZod` does, and returns the same entry; well-formed entries
 * of the common types skip zod's general machinery (see fast-parse.ts).
 */
export function validateEntry(input: unknown): Omit<Entry, 'id' | 'timestamp' | 'seq'> & Partial<Entry> {
  const parse = typeof input === 'object' && input !== null ? fastParsers.get((input as { type?: unknown }).type) : undefined;
  const parsed = parse === undefined ? DEFER : parse(input);
  return parsed === DEFER ? validateWithZod(input) : (parsed as Entry);
}

/**
 * Stamps `id`, `timestamp` and `seq` onto validated entries. One per logger, so `seq` is
 * monotonic in logging order; the ISO string is reused within the same millisecond.
 *
 * Generated ids are 64 random bits per logger plus the entry's `seq` (`9f3c…e1-2s`): unique
 * across processes, and far cheaper to make and keep in memory than one UUID per entry.
 */
export class EntryStamper {
  private readonly idPrefix = `${randomBytes(8).toString('hex')}-`;
  private seq = 0;
  private lastMs = -1;
  private lastIso = '';

  /** Validates and stamps an entry; throws `EntryError` and stamps nothing when invalid. */
  stamp(input: EntryInput | Record<string, unknown>): Entry {
    const entry = validateEntry(input) as Entry;
    const seq = ++this.seq;
    this.lastIdGenerated = entry.id === undefined;
    entry.id ??= this.idPrefix + seq.toString(36);
    entry.timestamp ??= this.now();
    entry.seq = seq;
    if (entry.type === 'message') entry.message_id ??= entry.id;
    return entry;
  }

  /** Whether the id of the entry stamped last was generated here (not given by the caller). */
  lastIdGenerated = false;

  private now(): string {
    const ms = Date.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }
}
