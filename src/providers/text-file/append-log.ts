import { dirname } from 'node:path';
import { AppendFile } from '../../fs/append.js';
import { makeFolder } from '../../fs/folder.js';
import { FileLock } from '../../fs/lock.js';
import { AsideNumbers, sizeOf } from './files.js';

/** How an appended log is written. */
export interface AppendLogOptions {
  encoding: BufferEncoding;
  /** Rotate before the file would grow past this many bytes. */
  maxBytes?: number;
  /** The header written at the top of every new file (rendered once). */
  header: string;
  /** The provider's label, for errors. */
  label: string;
}

/** One entry's rendered block ('' for an entry the template failed on), with the entry's `seq`. */
export interface Block {
  seq: number;
  text: string;
}

/** Blocks gathered for one physical write. */
interface Chunk {
  pieces: Buffer[];
  bytes: number;
  /** The seq of its last block: durable once the chunk is written. */
  seq: number;
  /** Whether it holds any block's bytes (a lone header is not written). */
  hasBlocks: boolean;
}

/**
 * One appended log file (chronological templates). Blocks are appended, never rewritten, so a
 * restart continues the same file. Several processes may append to one log: each batch is
 * written under the log's lock, the header only when the file is empty at that moment, and
 * with `maxBytes` a full file is renamed to the next free `<path>.<n>` (also under the lock)
 * and a new one started.
 */
export class AppendLog {
  /**
   * The seq of the last entry whose block is durably in the log, updated after each physical
   * write (a rotation writes in steps): a retried batch skips up to it, so a block is never
   * appended twice.
   */
  lastSeq = 0;
  private readonly file: AppendFile;
  private readonly lock: FileLock;
  private readonly aside: AsideNumbers;
  private readonly header: Buffer;
  private folderMade = false;

  constructor(
    readonly path: string,
    private readonly options: AppendLogOptions,
  ) {
    this.file = new AppendFile(path);
    this.lock = new FileLock(path, { label: options.label });
    this.aside = new AsideNumbers(path);
    this.header = Buffer.from(options.header, options.encoding);
  }

  /** Appends rendered blocks in order, rotating between blocks when `maxBytes` would be exceeded. */
  async append(blocks: readonly Block[]): Promise<void> {
    // Every entry of the batch failed to render: nothing to write, and no empty file to create.
    if (blocks.every((block) => block.text === '')) {
      this.lastSeq = blocks.at(-1)?.seq ?? this.lastSeq;
      return;
    }
    if (!this.folderMade) await makeFolder(dirname(this.path));
    this.folderMade = true;
    try {
      await this.lock.run(() => this.appendLocked(blocks));
    } finally {
      // Not kept open between batches: a templated path can name thousands of files.
      await this.file.close();
    }
  }

  private async appendLocked(blocks: readonly Block[]): Promise<void> {
    await this.file.open();
    if (this.options.maxBytes === undefined) return this.appendAll(blocks);
    let chunk = this.startChunk();
    for (const block of blocks) {
      const bytes = Buffer.from(block.text, this.options.encoding);
      if (this.wouldOverflow(chunk, bytes.length)) {
        await this.writeChunk(chunk);
        await this.rotate();
        chunk = this.startChunk();
      }
      chunk.pieces.push(bytes);
      chunk.bytes += bytes.length;
      chunk.seq = block.seq;
      chunk.hasBlocks ||= bytes.length > 0;
    }
    await this.writeChunk(chunk);
  }

  /** Without rotation, the batch is one string encoded once: no per-block buffers. */
  private async appendAll(blocks: readonly Block[]): Promise<void> {
    const text = blocks.map((block) => block.text).join('');
    const seq = blocks.at(-1)?.seq ?? this.lastSeq;
    if (text) await this.file.append([Buffer.from(this.file.size === 0 ? this.options.header + text : text, this.options.encoding)]);
    this.lastSeq = seq;
  }

  /** A chunk for the file as it is now: it starts with the header when the file is empty. */
  private startChunk(): Chunk {
    const empty = this.file.size === 0;
    return { pieces: empty ? [this.header] : [], bytes: empty ? this.header.length : 0, seq: this.lastSeq, hasBlocks: false };
  }

  /** Whether `extra` more bytes would push the file past `maxBytes`, and the file holds more than a header to rotate away. */
  private wouldOverflow(chunk: Chunk, extra: number): boolean {
    const size = this.file.size + chunk.bytes;
    return size + extra > this.options.maxBytes! && size > this.header.length;
  }

  private async writeChunk(chunk: Chunk): Promise<void> {
    if (chunk.hasBlocks) await this.file.append(chunk.pieces);
    this.lastSeq = chunk.seq;
  }

  private async rotate(): Promise<void> {
    await this.file.close();
    if ((await sizeOf(this.path)) !== null) await this.aside.moveAside();
    await this.file.open();
  }
}
