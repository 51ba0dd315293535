import type { Entry } from '../../core/entries.js';
import { writeAtomic } from '../../fs/atomic.js';
import { GROUP_NAMES, GROUP_OF, type Codec, type GroupName } from '../../formats/codec.js';
import { checkEncodable } from '../../formats/text.js';

/**
 * How the provider keeps its file in step with its store. `save` and `rewrite` run under the
 * file's lock, so no other process writes the file meanwhile.
 */
export interface FileWriter {
  /**
   * Whether a save rewrites the whole file (documents): what other processes wrote since must
   * be read into the store first, or the save would erase it. JSON Lines only appends.
   */
  readonly rewritesWhole: boolean;
  /** The entry as the file will hold it; throws when the file's encoding cannot hold it. */
  encode(entry: Entry): string;
  /** Records an encoded entry that the store accepted; `save` makes it durable. */
  push(entry: Entry, text: string): void;
  /** Makes every pushed entry durable; after a failure the next call tries again. */
  save(): Promise<void>;
  /**
   * Drops what was encoded from the store, whose entries were just replaced by the file's
   * (read back after another process wrote it). Entries pushed and not saved are in the new
   * store too; a document writes them with the store, JSON Lines keeps them pending.
   */
  forget(): void;
  /** Replaces the file with the store's entries, atomically (after a reset). */
  rewrite(): Promise<void>;
  close(): Promise<void>;
}

/** Where the file is and how its text is encoded, plus the store's entries for a rebuild. */
export interface FileTarget {
  path: string;
  encoding: BufferEncoding;
  entries: () => readonly Entry[];
}

/** How many encoded entries are joined into one cached piece. */
export const FOLD_EVERY = 500;

/**
 * A whole document (JSON, YAML, TOML, INI), rewritten atomically per save. Each entry is
 * encoded once; runs of up to FOLD_EVERY entries of a group become one cached piece of bytes,
 * so a rewrite hands the kernel a short list of cached pieces and builds nothing per entry.
 */
export class DocumentWriter implements FileWriter {
  readonly rewritesWhole = true;
  /** Per group: encoded runs of entries. Null until first used. */
  private pieces: Record<GroupName, Buffer[]> | null = null;
  /** Per group: entries encoded since the last save, and how many a group holds in all. */
  private fresh = emptyGroups<string>();
  private counts: Record<GroupName, number> | null = null;
  private dirty = false;
  /** The format's framing pieces, encoded once. */
  private readonly framing = new Map<string, Buffer>();

  constructor(
    private readonly target: FileTarget,
    private readonly codec: Codec,
  ) {}

  encode(entry: Entry): string {
    const group = GROUP_OF[entry.type];
    this.load();
    const text = this.codec.encodeEntry(entry, group, this.counts![group]);
    checkEncodable(text, this.target.encoding);
    return text;
  }

  push(entry: Entry, text: string): void {
    const group = GROUP_OF[entry.type];
    this.load();
    this.fresh[group].push(text);
    this.counts![group] += 1;
    this.dirty = true;
    // Folding often lets the encoded strings die young instead of piling up for the whole batch.
    if (this.fresh[group].length >= FOLD_EVERY) this.fold(group);
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    // After `forget`, nothing is encoded yet: encode the store before folding, or it is written empty.
    this.load();
    for (const group of GROUP_NAMES) this.fold(group);
    await writeAtomic(this.target.path, this.codec.assemble(this.load(), (framing) => this.frame(framing)));
    this.dirty = false;
  }

  forget(): void {
    this.pieces = null;
    this.counts = null;
    this.fresh = emptyGroups<string>();
    this.dirty = true;
  }

  async rewrite(): Promise<void> {
    this.forget();
    await this.save();
  }

  async close(): Promise<void> {}

  /** Turns a group's freshly encoded entries into one cached piece of bytes. */
  private fold(group: GroupName): void {
    if (this.fresh[group].length === 0) return;
    this.load()[group].push(Buffer.from(this.fresh[group].join(this.codec.separator), this.target.encoding));
    this.fresh[group] = [];
  }

  private frame(framing: string): Buffer {
    let bytes = this.framing.get(framing);
    if (!bytes) this.framing.set(framing, (bytes = Buffer.from(framing, this.target.encoding)));
    return bytes;
  }

  /** Encodes the stored entries on first use (not at open, which only reads). */
  private load(): Record<GroupName, Buffer[]> {
    if (this.pieces) return this.pieces;
    this.pieces = emptyGroups<Buffer>();
    this.counts = Object.fromEntries(GROUP_NAMES.map((group) => [group, 0])) as Record<GroupName, number>;
    for (const entry of this.target.entries()) {
      const group = GROUP_OF[entry.type];
      this.fresh[group].push(this.codec.encodeEntry(entry, group, this.counts[group]++));
    }
    return this.pieces;
  }
}

function emptyGroups<T>(): Record<GroupName, T[]> {
  return Object.fromEntries(GROUP_NAMES.map((group) => [group, [] as T[]])) as Record<GroupName, T[]>;
}
