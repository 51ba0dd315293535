import { describe, expect, it } from 'vitest';
import { jsonPieces } from '../../src/cli/shared.js';

const written = (value: unknown) => [...jsonPieces(value)].join('');

describe('--format json output', () => {
  it('writes the bytes JSON.stringify(value, null, 2) gives, an element at a time', () => {
    const values: unknown[] = [
      [],
      {},
      'text',
      null,
      [1],
      [{ a: [1, { b: 'line one\nline two' }], c: {} }, [], [[]], 'x', null],
      [undefined, () => 0, { toJSON: () => ({ d: [2, 3] }) }, { e: undefined }],
      { group_by: 'agent', groups: [{ key: null, models: ['a', 'b'] }] },
      [{ content: '  indented\n    text\r\n\t"quoted" ✓ 数据' }],
    ];
    for (const value of values) expect(written(value)).toBe(JSON.stringify(value, null, 2));
  });

  it('yields a long list in pieces, one per element plus the closing bracket', () => {
    const list = Array.from({ length: 1000 }, (_, i) => ({ i }));
    expect([...jsonPieces(list)]).toHaveLength(1001);
  });
});
