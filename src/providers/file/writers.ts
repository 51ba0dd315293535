import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Entry } from '../../entries/schema.js';
import { syncFolder, writeAtomic } from './atomic.js';
import { GROUP_NAMES, GROUP_OF, type Codec, type GroupName } from './codec.js';
import { encodeLine } from './jsonl.js';
import { checkEncodable, needsAsciiJson } from './text.js';

/** How the provider keeps its file in step with its store. */
export interface FileWriter {
  /** The entry as the file will hold it; throws when the file's encoding cannot hold it. */
  encode(entry: Entry): string;
  /** Records an encoded entry that the store accepted; `save` makes it durable. */
  push(entry: Entry, text: string): void;
  /** Makes every pushed entry durable; after a failure the next call tries again. */
  save(): Promise<void>;
  /** Rewrites the whole file from the store (after a reset). */
  rewrite(): Promise<void>;
  close(): Promise<void>;
}

/** Where the file is and how its text is encoded, plus the store's entries for a rebuild. */
export interface FileTarget {
  path: string;
  encoding: BufferEncoding;
  entries: () => readonly Entry[];
}

/** How many encoded entries of a group are joined into one cached piece. */
const FOLD_EVERY = 500;

/**
 * A whole document (JSON, YAML, TOML, INI), rewritten atomically per save. Each entry is
 * encoded once; runs of up to FOLD_EVERY entries of a group become one cached piece of bytes,
 * so a rewrite hands the kernel a short list of cached pieces and builds nothing per entry.
 */
export class DocumentWriter implements FileWriter {
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
    for (const group of GROUP_NAMES) this.fold(group);
    await writeAtomic(this.target.path, this.codec.assemble(this.load(), (framing) => this.frame(framing)));
    this.dirty = false;
  }

  async rewrite(): Promise<void> {
    this.pieces = null;
    this.counts = null;
    this.fresh = emptyGroups<string>();
    this.dirty = true;
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

/**
 * A JSON Lines file: each save appends the new lines with one write and one fsync. After a
 * torn last line, a missing final newline or a failed append, the next save rewrites the
 * file atomically instead, so new lines never continue a broken one.
 */
export class LinesWriter implements FileWriter {
  /** Lines pushed since the last save: encoded runs of bytes, then lines not folded yet. */
  private pending: Buffer[] = [];
  private lines: string[] = [];
  private handle: FileHandle | null = null;
  private readonly asciiOnly: boolean;

  constructor(
    private readonly target: FileTarget,
    private needsRewrite: boolean,
    private exists: boolean,
  ) {
    this.asciiOnly = needsAsciiJson(target.encoding);
  }

  encode(entry: Entry): string {
    const line = encodeLine(entry, this.asciiOnly);
    checkEncodable(line, this.target.encoding);
    return line;
  }

  push(_entry: Entry, line: string): void {
    this.lines.push(line);
    if (this.lines.length >= FOLD_EVERY) this.fold();
  }

  async save(): Promise<void> {
    if (this.needsRewrite) return this.rewrite();
    this.fold();
    if (this.pending.length === 0) return;
    try {
      this.handle ??= await open(this.target.path, 'a');
      await this.handle.write(Buffer.concat(this.pending));
      await this.handle.datasync();
      if (!this.exists) await syncFolder(dirname(this.target.path));
    } catch (error) {
      // The append may have written part of a line: only a full rewrite is safe now.
      this.needsRewrite = true;
      await this.closeHandle();
      throw error;
    }
    this.exists = true;
    this.pending = [];
  }

  async rewrite(): Promise<void> {
    await this.closeHandle();
    const text = this.target.entries().map((entry) => encodeLine(entry, this.asciiOnly)).join('');
    await writeAtomic(this.target.path, [Buffer.from(text, this.target.encoding)]);
    this.exists = true;
    this.needsRewrite = false;
    this.pending = [];
    this.lines = [];
  }

  async close(): Promise<void> {
    await this.closeHandle();
  }

  private fold(): void {
    if (this.lines.length === 0) return;
    this.pending.push(Buffer.from(this.lines.join(''), this.target.encoding));
    this.lines = [];
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }
}
