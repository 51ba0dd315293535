import { Command } from 'commander';
import { manifestJsonSchema } from '../../config/json-schema.js';

/** `historian schema`: prints the manifest's JSON Schema (the one in schemas/). */
export function schemaCommand(): Command {
  return new Command('schema')
    .description("print the JSON Schema of the manifest's storage block (for editors and CI checks)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
    });
}
