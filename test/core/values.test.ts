import { describe, expect, it } from 'vitest';
import { EntryError } from '../../src/index.js';
import { MAX_DEPTH, normaliseValues } from '../../src/core/values.js';

describe('normaliseValues', () => {
  it('returns the same object when nothing needs changing', () => {
    const entry = { type: 'tool_call', args: { a: [1, 'two', { three: true }] }, result: null };
    expect(normaliseValues(entry)).toBe(entry);
  });

  it('copies what it changes and leaves the caller’s objects as they were', () => {
    const args = { gone: undefined, text: 'bad \uD800', keep: { x: 1 } };
    const entry = { type: 'tool_call', args };
    const out = normaliseValues(entry) as { args: Record<string, unknown> };
    expect(out.args).toEqual({ text: 'bad \uFFFD', keep: { x: 1 } });
    expect('gone' in out.args).toBe(false);
    expect(out.args.keep).toBe(args.keep);
    expect(args).toEqual({ gone: undefined, text: 'bad \uD800', keep: { x: 1 } });
  });

  it('allows nesting up to the limit and refuses one level more, naming the path', () => {
    const nest = (depth: number) => {
      let value: unknown = 'leaf';
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    expect(() => normaliseValues({ args: nest(MAX_DEPTH - 1) })).not.toThrow();
    expect(() => normaliseValues({ args: nest(MAX_DEPTH) })).toThrow(/args\[0\]\[0\].*nested deeper than 64 levels/);
  });

  it('tells a cycle from deep data', () => {
    const args: Record<string, unknown> = { name: 'loop' };
    args.self = args;
    expect(() => normaliseValues({ args })).toThrow(EntryError);
    expect(() => normaliseValues({ args })).toThrow(/args\.self\.self.*refers to itself/);
  });

  it('refuses Maps and Sets rather than storing them as {}', () => {
    expect(() => normaliseValues({ args: { m: new Map() } })).toThrow(/args\.m: a Map is not a JSON value/);
    expect(() => normaliseValues({ args: { s: new Set([1]) } })).toThrow(/args\.s: a Set is not a JSON value/);
  });

  it('drops functions and symbols as JSON does: gone from objects, null in arrays', () => {
    expect(normaliseValues({ args: { f: () => 1, keep: 1 }, result: [Symbol('x'), 2] })).toEqual({ args: { keep: 1 }, result: [null, 2] });
  });
});

describe('toJSON', () => {
  it('is applied once, as JSON.stringify does, even when it returns the object itself', () => {
    const selfish = { a: 1, toJSON() { return this; } };
    expect(normaliseValues({ args: { v: selfish } })).toEqual({ args: { v: { a: 1 } } });
    const chained = { toJSON: () => ({ toJSON: () => 'never called', b: 2 }) };
    expect(JSON.parse(JSON.stringify((normaliseValues({ args: { v: chained } }) as { args: unknown }).args))).toEqual(JSON.parse(JSON.stringify({ v: chained })));
  });
});
