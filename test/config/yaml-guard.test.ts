import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkYaml, MAX_ALIAS_EXPANSION } from '../../src/formats/yaml-guard.js';

const problems = (text: string, aliases = true) =>
  checkYaml(parseDocument(text, { uniqueKeys: false }), { aliases }).map((p) => ({ path: p.path, message: p.message }));

describe('checkYaml', () => {
  it('accepts a document without aliases, duplicates or cycles', () => {
    expect(problems('a: &x [1, 2]\nb: *x\nc: {d: *x}\n')).toEqual([]);
  });

  it('finds a cycle through an anchor outside the part that refers to it', () => {
    expect(problems('a: &x [*x]\nstorage: {agents: *x}\n')).toEqual([{ path: ['a', 0], message: 'circular alias *x: it refers to a node that contains it' }]);
  });

  it('counts what aliases expand to without expanding them', () => {
    // Ten levels of ten-fold aliases stand for more than 10^10 values; checking them takes microseconds.
    const levels = ['l0: &l0 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]'];
    for (let i = 1; i <= 10; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
    const [found] = problems(levels.join('\n'));
    expect(found!.message).toMatch(/expand this manifest by [\d,]+ values \(\*l9 alone stands for 11,111,111,111\)/);
    expect(found!.path).toEqual(['l10', 0]);
  });

  it('lets aliases add up to the limit', () => {
    // The target is 100 values (the sequence and its 99 items); each alias adds them less itself.
    const item = `[${Array(99).fill('v').join(', ')}]`;
    const uses = Math.floor(MAX_ALIAS_EXPANSION / 99);
    expect(problems(`a: &a ${item}\nb: [${Array(uses).fill('*a').join(', ')}]\n`)).toEqual([]);
    expect(problems(`a: &a ${item}\nb: [${Array(uses + 1).fill('*a').join(', ')}]\n`)).toHaveLength(1);
  });

  it('names duplicate keys by their path, comparing keys by value and type', () => {
    expect(problems('x:\n  a: 1\n  b: 2\n  a: 3\n  1: one\n  "1": string one\n')).toEqual([
      { path: ['x', 'a'], message: 'duplicate key "a" (keys of a mapping must be unique)' },
    ]);
  });

  it('refuses every alias when aliases are not accepted', () => {
    expect(problems('a: &x 1\nb: *x\n', false)).toEqual([{ path: ['b'], message: 'YAML alias *x: aliases are not accepted in this document' }]);
  });
});
