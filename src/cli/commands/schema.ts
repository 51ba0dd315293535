import { Command } from 'commander';
import { manifestJsonSchema } from '../../config/json-schema.js';
import { writeOut } from '../output.js';

/** `historian schema`: prints the manifest's JSON Schema (the one in schemas/). */
export function schemaCommand(): Command {
  return new Command('schema')
    .description("print the JSON Schema of the manifest's storage block (for editors and CI checks)")
    .addHelpText('after', '\nExamples:\n  historian schema > storage.schema.json\n  # then, first line of agents.yml: # yaml-language-server: $schema=./storage.schema.json')
    .action(() => {
      writeOut(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`, 'json');
    });
}
