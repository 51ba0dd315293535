import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { encodingField, pathField } from '../../core/config-schema.js';
import type { ResolveContext } from '../../core/provider.js';
import type { ConfigOf } from '../../core/define-provider.js';

/** The fields of a `type: text_file` provider besides the common ones (docs/manifest.md). */
export const textFileOptions = {
  path: pathField.describe('Log file path; may hold template expressions such as {{ agent_name }} or {{ date }}'),
  format: z.enum(['chronological', 'conversations']).default('chronological'),
  template: z.string().min(1).nullable().optional().describe('Custom template file (wins over format)'),
  encoding: encodingField,
  max_bytes: z.number().int().positive().optional().describe('Rotate an appended log once it reaches this size'),
};

/** A validated `type: text_file` config. */
export type TextFileConfig = ConfigOf<'text_file', typeof textFileOptions>;

/** The config with its path and template made absolute against the manifest's folder. */
export function resolveTextFileConfig(config: TextFileConfig, { baseDir }: ResolveContext): TextFileConfig {
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  return { ...config, path: absolute(config.path), template: config.template ? absolute(config.template) : null };
}
