import { open, stat, type FileHandle } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import type { Entry } from '../core/entries.js';
import { validateEntry } from '../core/validate.js';
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
  /** The version of the file that was read, or null when there was none. */
  identity: FileIdentity | null;
}

/**
 * What tells one version of a file from the next. Every writer of ours replaces a document
 * with a new inode, and inode numbers are reused, so size and times (in nanoseconds) are
 * compared as well.
 */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

function identityOfStats(info: BigIntStats): FileIdentity {
  return { dev: info.dev, ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs };
}

/** The identity of the file at `path` now, or null when there is none. */
export async function identityOf(path: string): Promise<FileIdentity | null> {
  try {
    return identityOfStats(await stat(path, { bigint: true }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Whether two identities name the same version of a file (two nulls: still no file). */
export function sameIdentity(a: FileIdentity | null, b: FileIdentity | null): boolean {
  if (a === null || b === null) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** Validates one stored entry: a valid entry (docs/entries.md), stamped, and in the group of its type. */
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
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, entries: [], endsWithNewline: true, identity: null };
    throw error;
  }
  let bytes: Buffer;
  let identity: FileIdentity;
  try {
    // Stat and read through one handle, so the identity is that of the bytes read.
    identity = identityOfStats(await handle.stat({ bigint: true }));
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  const text = decodeText(bytes, encoding);
  if (text.trim() === '') return { exists: true, entries: [], endsWithNewline: text === '' || text.endsWith('\n'), identity };
  if (codec) return { exists: true, entries: codec.decode(text).map(toEntry), endsWithNewline: true, identity };
  const lines = decodeLines(text);
  return { exists: true, ...lines, entries: lines.entries.map(toEntry), identity };
}
