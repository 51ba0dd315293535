import type { Entry, EntryType } from '../core/entries.js';

/** The group an entry type is stored under in a document (docs/manifest.md). */
export const GROUP_OF = {
  message: 'messages',
  conversation_start: 'conversations',
  tool_call: 'tool_calls',
  command: 'commands',
  context: 'context',
  run_started: 'runs',
  run_finished: 'runs',
  run_failed: 'runs',
  llm_call_started: 'runs',
  llm_call_completed: 'runs',
  termination_decided: 'runs',
  tool_call_started: 'runs',
  tool_call_completed: 'runs',
  run_rolled_back: 'runs',
} as const satisfies Record<EntryType, string>;

/** A group of a document: `messages`, `conversations`, `tool_calls`, `commands`, `context` or `runs` (every run-log fact). */
export type GroupName = (typeof GROUP_OF)[EntryType];

/** Every group, in document order. */
export const GROUP_NAMES = [...new Set(Object.values(GROUP_OF))] as GroupName[];

/** The encoded entries of each group, in order: text, or bytes when the writer caches them encoded. */
export type GroupParts<T = string> = Readonly<Record<GroupName, readonly T[]>>;

/** A value read from a document, before validation, with where it was found. */
export interface RawEntry {
  value: unknown;
  /** Where the entry sits, e.g. `messages[3]` or `line 12`. */
  where: string;
  /** The group it was found under (absent in JSON Lines). */
  group?: GroupName;
  /** Where the entry starts in the text, computed only when an error needs it. */
  position?: () => { line: number; column: number } | undefined;
}

/** A document could not be parsed; `line` and `column` are 1-based when the parser gave them. */
export class DocumentError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/**
 * How one format writes and reads the document. Entries are encoded one at a time and cached
 * by the caller, so a rewrite only assembles cached text: the library does the per-entry work once.
 */
export interface Codec {
  /**
   * What goes between two entries of a group. The items handed to `assemble` may be runs of
   * entries already joined with it, so a writer can cache one piece per batch, not per entry.
   */
  readonly separator: string;
  /** One entry as it appears inside its group; `index` counts the group's entries from 0. */
  encodeEntry(entry: Entry, group: GroupName, index: number): string;
  /**
   * The whole document as a list of pieces: the encoded entries (or runs of them), in order,
   * between pieces of the format's own framing made by `text`. A list rather than one string,
   * so a rewrite can hand cached bytes to the kernel without building the document again.
   */
  assemble<T>(parts: GroupParts<T>, text: (framing: string) => T): T[];
  /** Every entry of a document, unvalidated. Throws `DocumentError` for text that does not parse. */
  decode(text: string): RawEntry[];
}

/** The 1-based line and column of a character offset in `text`. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Reads the groups of a parsed document (an object of group name → list), rejecting anything else. */
export function groupsOf(root: unknown, list: (value: unknown, group: GroupName) => unknown[]): RawEntry[] {
  if (root === null || root === undefined) return [];
  if (typeof root !== 'object' || Array.isArray(root)) throw new DocumentError('expected a document of entry groups');
  const unknown = Object.keys(root).filter((key) => !(GROUP_NAMES as string[]).includes(key));
  if (unknown.length > 0) {
    throw new DocumentError(`unknown group "${unknown[0]}" (expected ${GROUP_NAMES.join(', ')})`);
  }
  const entries: RawEntry[] = [];
  for (const group of GROUP_NAMES) {
    const items = list((root as Record<string, unknown>)[group], group);
    items.forEach((value, i) => entries.push({ value, group, where: `${group}[${i}]` }));
  }
  return entries;
}

/** A group's list in a JSON-like document: absent means empty; anything but a list is an error. */
export function listOf(value: unknown, group: GroupName): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new DocumentError(`group "${group}" must be a list of entries`);
  return value;
}

/** Appends `items` to `out`, `separator` between them (a loop: spreading 100k items overflows the stack). */
export function pushJoined<T>(out: T[], items: readonly T[], separator?: T): void {
  items.forEach((item, i) => {
    if (i > 0 && separator !== undefined) out.push(separator);
    out.push(item);
  });
}
