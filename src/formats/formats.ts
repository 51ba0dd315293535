import { extname } from 'node:path';

/** The document formats of the file provider (docs/manifest.md). */
export const FILE_FORMATS = ['json', 'yaml', 'toml', 'ini', 'jsonl'] as const;
/** One document format. */
export type FileFormat = (typeof FILE_FORMATS)[number];

/** What `format: auto` picks for each extension (lower-cased, with the dot). */
export const FORMAT_BY_EXTENSION: Readonly<Record<string, FileFormat>> = {
  '.json': 'json',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.toml': 'toml',
  '.ini': 'ini',
  '.cfg': 'ini',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** Encodings that turn bytes into text (base64, hex) rather than text into bytes: not usable for documents. */
export const BINARY_ENCODINGS: ReadonlySet<string> = new Set(['base64', 'base64url', 'hex']);

/** The format `auto` picks for `path`, or undefined for an unknown extension. */
export function formatOfPath(path: string): FileFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}

/** The format of a file provider: the configured one, or the one its extension names. */
export function resolveFormat(path: string, format: FileFormat | 'auto'): FileFormat | undefined {
  return format === 'auto' ? formatOfPath(path) : format;
}

/** The message for a path whose extension `auto` cannot map. */
export function unknownExtensionMessage(path: string): string {
  const ext = extname(path) || '(none)';
  return `cannot pick a format for extension ${ext}: expected one of ${Object.keys(FORMAT_BY_EXTENSION).join(', ')}, or set format explicitly`;
}
