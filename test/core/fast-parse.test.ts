import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryError } from '../../src/index.js';
import { ENTRY_TYPES, entrySchema } from '../../src/core/entries.js';
import { compileFastParser, DEFER } from '../../src/core/fast-parse.js';
import { nullMeansAbsent } from '../../src/core/absent-nulls.js';
import { validateEntry, validateWithZod } from '../../src/core/validate.js';

type Outcome = { value: string; keys: string[] } | { error: string; field?: string };

/** What validating did: the entry (as JSON, so key order counts, and its keys) or the error. */
function outcome(validate: (input: unknown) => unknown, input: unknown): Outcome {
  try {
    const value = validate(input) as Record<string, unknown>;
    return { value: JSON.stringify(value), keys: Object.keys(value) };
  } catch (error) {
    if (error instanceof EntryError) return { error: error.message, field: error.field };
    return { error: String(error) };
  }
}

const text = fc.oneof(fc.constantFrom('a', 'user', 'conv-1', 'Résumé ✓', '🦜'), fc.string({ minLength: 1, maxLength: 8 }));
const count = fc.oneof(fc.nat(10_000), fc.constantFrom(0, Number.MAX_SAFE_INTEGER));
const timestamp = fc.oneof(
  fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-11-23T12:00:00Z', '2026-11-23T12:00:00.123456+02:00', '2026-11-23T12:00:00.1Z', '2024-02-29T00:00:00.000Z'),
  // As other clients write them: no offset (UTC), epoch seconds (with a fraction) or milliseconds.
  fc.constantFrom('2026-11-29T10:00:00.123456', '2026-11-29T10:00', 1795946400, 1795946400.25, 1795946400123, 0),
);
const usage = fc.record(
  { prompt: count, completion: count, total: count, cache_read: count, cache_write: count, reasoning: count },
  { requiredKeys: ['prompt', 'completion'] },
);
const stamp = { id: text, timestamp, seq: fc.nat() };
const fact = { ...stamp, session_id: text, run_id: text, agent_name: text, sequence: fc.integer({ min: 1, max: 100 }) };
const factKeys = ['session_id', 'run_id', 'agent_name'] as const;

/** A valid entry of each type, its optional fields present or not. */
const VALID: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  message: fc.record(
    {
      ...stamp,
      conversation_id: text,
      message_id: text,
      content: fc.string(),
      role: text,
      name: text,
      model: text,
      cost_info: fc.record({ token_usage: usage, total_cost: fc.double({ min: 0, max: 10, noNaN: true }) }, { requiredKeys: ['token_usage'] }),
      response_time: fc.double({ min: 0, max: 100, noNaN: true }),
      forwarded_from: fc.array(text, { maxLength: 3 }),
    },
    { requiredKeys: ['conversation_id', 'content', 'role'] },
  ),
  conversation_start: fc.record({ ...stamp, conversation_id: text, agent_name: text }, { requiredKeys: ['conversation_id', 'agent_name'] }),
  tool_call: fc.record(
    { ...stamp, conversation_id: text, message_id: text, tool_call_id: text, tool_name: text, args: fc.dictionary(text, fc.jsonValue()), result: fc.jsonValue() },
    { requiredKeys: ['conversation_id', 'message_id', 'tool_name', 'args', 'result'] },
  ),
  command: fc.record({ ...stamp, agent_name: text, session_id: text, command: text, context_type: text, metadata: fc.object() }, { requiredKeys: ['agent_name', 'session_id', 'command'] }),
  context: fc.record({ ...stamp, conversation_id: text, content: fc.string(), role: text, name: text, model: text }, { requiredKeys: ['conversation_id', 'content', 'role'] }),
  run_started: fc.record({ ...fact, user_input: fc.string(), parent_run_id: text }, { requiredKeys: [...factKeys, 'user_input'] }),
  llm_call_started: fc.record({ ...fact, call_id: text, model: text, message_count: count, messages_preview: fc.string() }, { requiredKeys: [...factKeys, 'model'] }),
  run_rolled_back: fc.record({ ...fact, from_sequence: fc.integer({ min: 1, max: 9 }), to_sequence: fc.integer({ min: 1, max: 9 }) }, { requiredKeys: [...factKeys, 'from_sequence', 'to_sequence'] }),
};

const typed = fc.constantFrom(...Object.keys(VALID)).chain((type) => VALID[type]!.map((fields) => ({ type, ...fields })));

/** Values that break a field one way or another, or that values.ts has to normalise first. */
const oddValue = fc.oneof(
  fc.constantFrom('', '\uD800', 'a\uDC00b', 'yesterday', '2026-02-30T00:00:00Z', '2026-11-23T12:00:00', '2026-11-23 12:00:00Z', 'message'),
  fc.constantFrom(-1, 1.5, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY, -0, null, undefined, true, 0n),
  fc.constantFrom([], ['\uD800'], [1], [undefined], {}, { toJSON: () => 'x' }, new Date(0), new Map(), () => 1),
  fc.jsonValue(),
  fc.string(),
);

/** The paths of every field of an entry, nested ones included. */
function pathsOf(value: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(value).flatMap(([key, item]) => {
    const path = [...prefix, key];
    const nested = typeof item === 'object' && item !== null && !Array.isArray(item) ? pathsOf(item as Record<string, unknown>, path) : [];
    return [path, ...nested];
  });
}

function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (typeof value !== 'object' || value === null || ![Object.prototype, null].includes(Object.getPrototypeOf(value))) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyOf(v)]));
}

type Mutation = { kind: 'set' | 'delete' | 'add'; pick: number; value: unknown; key: string };

/** The entry with one field (or nested field) replaced, removed, or joined by an unknown key. */
function mutated(entry: Record<string, unknown>, { kind, pick, value, key }: Mutation): Record<string, unknown> {
  const copy = copyOf(entry) as Record<string, unknown>;
  const paths = pathsOf(copy);
  const path = paths[pick % paths.length]!;
  const parent = path.slice(0, -1).reduce<Record<string, unknown>>((at, k) => at[k] as Record<string, unknown>, copy);
  const last = path[path.length - 1]!;
  if (kind === 'delete') delete parent[last];
  else if (kind === 'set') parent[last] = value;
  // An own `__proto__` key, as JSON.parse makes it, rather than a new prototype.
  else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const mutation = fc.record({ kind: fc.constantFrom('set', 'delete', 'add'), pick: fc.nat(), value: oddValue, key: fc.constantFrom('colour', 'type', 'id', '__proto__', 'token_usage') });

const parsers = new Map(entrySchema.options.map((option) => [option.shape.type.value as string, compileFastParser(option)]));

/** The fast parser's answer for an input: DEFER, or the entry as JSON. */
function fastOutcome(input: Record<string, unknown>): typeof DEFER | string {
  const parse = parsers.get(input.type as string);
  const parsed = parse ? parse(input) : DEFER;
  return parsed === DEFER ? DEFER : JSON.stringify(parsed);
}

describe('validation of well-formed entries without zod (fast-parse.ts)', () => {
  it('parses valid messages and conversation starts itself, as zod does', () => {
    const common = fc.constantFrom('message', 'conversation_start').chain((type) => VALID[type]!.map((fields) => ({ type, ...fields })));
    fc.assert(
      fc.property(common, (entry) => {
        expect(fastOutcome(entry)).toBe(JSON.stringify(validateWithZod(entry)));
      }),
      { numRuns: 2000 },
    );
  });

  it('either defers or returns what zod returns, for valid and broken entries alike', () => {
    fc.assert(
      fc.property(typed, mutation, fc.boolean(), (entry, change, broken) => {
        const input = broken ? mutated(entry, change) : entry;
        const fast = fastOutcome(input);
        if (fast !== DEFER) expect(fast).toBe(JSON.stringify(validateWithZod(input)));
      }),
      { numRuns: 5000 },
    );
  });

  it('returns what zod returns for valid entries of every type, key order included', () => {
    fc.assert(
      fc.property(typed, (entry) => {
        expect(outcome(validateEntry, entry)).toEqual(outcome(validateWithZod, entry));
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts and refuses as zod does, with the same message, for entries with a field broken, removed or added', () => {
    fc.assert(
      fc.property(typed, mutation, (entry, change) => {
        const input = mutated(entry, change);
        expect(outcome(validateEntry, input)).toEqual(outcome(validateWithZod, input));
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves to zod what only it can judge: a __proto__ key, a class object, a type that is not a string; and agrees on null-prototype objects', () => {
    const base = { type: 'message', conversation_id: 'c', role: 'user', content: 'hi' };
    class Message {
      type = 'message';
      conversation_id = 'c';
      role = 'user';
      content = 'hi';
    }
    const inputs: unknown[] = [
      JSON.parse('{"type":"message","conversation_id":"c","role":"user","content":"hi","__proto__":{"x":1}}'),
      Object.assign(Object.create(null), base),
      new Message(),
      { ...base, type: ['message'] },
      { ...base, type: undefined },
      [base],
      'message',
      null,
    ];
    for (const input of inputs) expect(outcome(validateEntry, input)).toEqual(outcome(validateWithZod, input));
  });

  it('takes null on an optional field as absent, as zod does, and parses such entries itself', () => {
    const optional = new Map(
      entrySchema.options.map((option) => {
        const shape = option.shape as Record<string, Parameters<typeof nullMeansAbsent>[0]>;
        return [option.shape.type.value as string, Object.keys(shape).filter((key) => nullMeansAbsent(shape[key]!))];
      }),
    );
    fc.assert(
      fc.property(typed, fc.nat(), (entry, pick) => {
        const keys = optional.get(entry.type as string)!.filter((key) => !(key in entry));
        const withNulls = { ...entry, ...Object.fromEntries(keys.slice(0, (pick % keys.length) + 1).map((key) => [key, null])) };
        expect(outcome(validateWithZod, withNulls)).toEqual(outcome(validateWithZod, entry));
        expect(outcome(validateEntry, withNulls)).toEqual(outcome(validateWithZod, entry));
        if (fastOutcome(entry) !== DEFER) expect(fastOutcome(withNulls)).toBe(fastOutcome(entry));
      }),
      { numRuns: 2000 },
    );
  });

  it('covers every entry type in these tests or defers it to zod', () => {
    // A type added to the schemas without an arbitrary here is still checked, only less thoroughly.
    expect(ENTRY_TYPES).toEqual(expect.arrayContaining(Object.keys(VALID)));
  });
});
