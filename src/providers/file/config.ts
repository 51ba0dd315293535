import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { encodingField, pathField } from '../../core/config-schema.js';
import type { ProviderProblem, ResolveContext } from '../../core/provider.js';
import { BINARY_ENCODINGS, FILE_FORMATS, formatOfPath, resolveFormat, unknownExtensionMessage } from '../../formats/formats.js';
import type { ConfigOf } from '../../core/define-provider.js';

/** The fields of a `type: file` provider besides the common ones (docs/manifest.md). */
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

/**
 * Past this size a whole document (JSON, YAML, TOML, INI) is slow to keep: it is parsed whole at
 * every open and rewritten whole at every write. JSON Lines and sql have no such limit.
 */
export const DOCUMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** Advice when a document has grown past `DOCUMENT_SIZE_LIMIT`. */
export async function adviseOnSize(config: FileConfig): Promise<string[]> {
  const format = resolveFormat(config.path, config.format);
  if (format === undefined || format === 'jsonl') return [];
  const size = (await stat(config.path).catch(() => null))?.size ?? 0;
  if (size <= DOCUMENT_SIZE_LIMIT) return [];
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
  return [
    `${config.path} is ${mb(size)}: a ${format} document is parsed whole at every open and rewritten whole at every write; ` +
      `past ${mb(DOCUMENT_SIZE_LIMIT)} use jsonl (streamed) or sql (export it with \`historian export\`, then import it)`,
  ];
}
