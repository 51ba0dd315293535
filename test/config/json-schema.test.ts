import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema } from '../../src/config/json-schema.js';

describe('schemas/storage.schema.json', () => {
  it('matches the zod schema (regenerate with `npm run schema`)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../schemas/storage.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(manifestJsonSchema());
  });

  it('describes every provider type and the defaults', () => {
    const schema = JSON.stringify(manifestJsonSchema());
    for (const type of ['sql', 'text_file', 'file', 'memory']) expect(schema).toContain(`"const":"${type}"`);
    expect(schema).toContain('"default":"and"');
    expect(schema).toContain('"additionalProperties":false');
  });
});
