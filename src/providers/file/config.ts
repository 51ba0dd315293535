import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { encodingField, pathField } from '../../core/config-schema.js';
import type { ProviderProblem, ResolveContext } from '../../core/provider.js';
import { BINARY_ENCODINGS, FILE_FORMATS, formatOfPath, unknownExtensionMessage } from '../../formats/formats.js';
import type { ConfigOf } from '../../core/define-provider.js';

/** The fields of a `type: file` provider besides the common ones (SPEC §1.1). */
export const fileOptions = {
  path: pathField,
  format: z.enum(['auto', ...FILE_FORMATS]).default('auto'),
  encoding: encodingField,
};

/** A validated `type: file` config. */
export type FileConfig = ConfigOf<'file', typeof fileOptions>;

/** What the schema cannot say alone; found at load, so the error carries the manifest's position. */
export function fileConfigProblems(config: FileConfig): ProviderProblem[] {
  const problems: ProviderProblem[] = [];
  if (config.format === 'auto' && formatOfPath(config.path) === undefined) problems.push({ key: 'path', message: unknownExtensionMessage(config.path) });
  if (BINARY_ENCODINGS.has(config.encoding)) {
    problems.push({ key: 'encoding', message: `${config.encoding} is not a text encoding; use utf-8, utf16le, latin1 or ascii` });
  }
  return problems;
}

/** The config with its path made absolute against the manifest's folder. */
export function resolveFileConfig(config: FileConfig, { baseDir }: ResolveContext): FileConfig {
  return isAbsolute(config.path) ? config : { ...config, path: resolve(baseDir, config.path) };
}
