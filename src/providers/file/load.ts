import { readFile } from 'node:fs/promises';
import type { Entry } from '../../entries/schema.js';
import { validateEntry } from '../../entries/validate.js';
import { DocumentError, GROUP_OF, type Codec, type RawEntry } from './codec.js';
import { decodeLines } from './jsonl.js';
import { decodeText } from './text.js';

/** What was found in the file at open. */
export interface LoadedFile {
  /** Whether the file exists (a missing file starts empty and is created at the first write). */
  exists: boolean;
  entries: Entry[];
  /** JSON Lines: the number of a torn last line that was ignored. */
  tornLine?: number;
  /** JSON Lines: whether the file ends in a newline. */
  endsWithNewline: boolean;
}

/** Validates one stored entry: a valid entry of SPEC §2, stamped, and in the group of its type. */
export function toEntry(raw: RawEntry): Entry {
  const fail = (message: string): never => {
    const at = raw.position?.();
    throw new DocumentError(`${raw.where}: ${message}`, at?.line, at?.column);
  };
  let entry: Entry;
  try {
    entry = validateEntry(raw.value) as Entry;
  } catch (error) {
    return fail((error as Error).message);
  }
  for (const field of ['id', 'timestamp', 'seq'] as const) if (entry[field] === undefined) fail(`missing ${field}`);
  if (raw.group !== undefined && GROUP_OF[entry.type] !== raw.group) fail(`a ${entry.type} entry does not belong in ${raw.group}`);
  return entry;
}

/**
 * Reads and validates the entries of the file at `path`; `codec` is null for JSON Lines.
 * Throws `DocumentError` (with line and column where known) for a file that does not parse.
 */
export async function loadFile(path: string, codec: Codec | null, encoding: BufferEncoding): Promise<LoadedFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, entries: [], endsWithNewline: true };
    throw error;
  }
  const text = decodeText(bytes, encoding);
  if (text.trim() === '') return { exists: true, entries: [], endsWithNewline: text === '' || text.endsWith('\n') };
  if (codec) return { exists: true, entries: codec.decode(text).map(toEntry), endsWithNewline: true };
  const lines = decodeLines(text);
  return { exists: true, ...lines, entries: lines.entries.map(toEntry) };
}
