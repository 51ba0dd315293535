import { z } from 'zod';
import { manifestSchema } from './schema.js';

/** The JSON Schema of a manifest (its `storage:` block), generated from the zod schema. */
export function manifestJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(manifestSchema(), { io: 'input', target: 'draft-2020-12' }),
    title: 'historian agent manifest (storage block)',
  };
}
