import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GROUP_NAMES, type Codec, type GroupName } from '../formats/codec.js';

/** How much of a group is gathered before it is written to its file. */
const BUFFER = 1 << 20;

/** A piece of the document: framing text, or a group's spilled entries. */
type Piece = { text: string } | { group: GroupName };

/**
 * A document whose entries are spilled to disk as they are encoded: one temporary file per
 * group (beside the document, so on the same disk, never in memory), joined by the codec's
 * separator. The document is then streamed from its framing and those files, so memory stays
 * bounded however many entries it holds. `close()` removes the files.
 */
export class SpilledDocument {
  /** Per group: bytes not written yet, and the file once opened. */
  private readonly spills = Object.fromEntries(GROUP_NAMES.map((group) => [group, { chunks: [] as Buffer[], size: 0, file: null as FileHandle | null }])) as Record<
    GroupName,
    { chunks: Buffer[]; size: number; file: FileHandle | null }
  >;
  /** Entries added per group: the index the codec numbers the next one with. */
  readonly counts = Object.fromEntries(GROUP_NAMES.map((group) => [group, 0])) as Record<GroupName, number>;

  private constructor(
    private readonly dir: string,
    private readonly codec: Codec,
    private readonly toBytes: (text: string) => Buffer,
  ) {}

  /** A document to be written to `path`; `toBytes` encodes its text (and may refuse it). */
  static async create(path: string, codec: Codec, toBytes: (text: string) => Buffer): Promise<SpilledDocument> {
    return new SpilledDocument(await mkdtemp(join(dirname(path), `.${basename(path)}.parts-`)), codec, toBytes);
  }

  /** Adds one encoded entry to its group. */
  async add(group: GroupName, text: string): Promise<void> {
    const bytes = this.toBytes(this.counts[group] === 0 ? text : `${this.codec.separator}${text}`);
    this.counts[group] += 1;
    const spill = this.spills[group];
    spill.chunks.push(bytes);
    spill.size += bytes.length;
    if (spill.size >= BUFFER) await this.spill(group);
  }

  /** The document's bytes, a piece at a time: framing, and each group read back from its file. */
  async *bytes(): AsyncGenerator<Buffer> {
    for (const group of GROUP_NAMES) await this.spill(group);
    const parts = Object.fromEntries(GROUP_NAMES.map((group) => [group, this.counts[group] > 0 ? [{ group }] : []])) as Record<GroupName, Piece[]>;
    for (const piece of this.codec.assemble<Piece>(parts, (text) => ({ text }))) {
      if ('text' in piece) yield this.toBytes(piece.text);
      else yield* createReadStream(this.fileOf(piece.group), { highWaterMark: BUFFER }) as AsyncIterable<Buffer>;
    }
  }

  /** Closes and removes the spilled files. */
  async close(): Promise<void> {
    await Promise.all(GROUP_NAMES.map((group) => this.spills[group].file?.close()));
    await rm(this.dir, { recursive: true, force: true });
  }

  private fileOf(group: GroupName): string {
    return join(this.dir, group);
  }

  private async spill(group: GroupName): Promise<void> {
    const spill = this.spills[group];
    if (spill.size === 0) return;
    const bytes = Buffer.concat(spill.chunks);
    spill.chunks = [];
    spill.size = 0;
    spill.file ??= await open(this.fileOf(group), 'w');
    await spill.file.write(bytes);
  }
}
