import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

/**
 * The `yaml` library, loaded on first use rather than with historian: a storage block built in
 * code never needs it. Its Node build is CommonJS, so it loads synchronously, and it is the same
 * module instance an `import 'yaml'` gets.
 */
export function yamlLibrary(): typeof Yaml {
  return (loaded ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}
