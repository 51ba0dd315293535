import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AsideNumbers, sizeOf } from './files.js';

/** How an appended log is written. */
export interface AppendLogOptions {
  encoding: BufferEncoding;
  /** Rotate before the file would grow past this many bytes. */
  maxBytes?: number;
  /** The header written at the top of every new file (rendered once). */
  header: string;
}

/**
 * One appended log file (chronological templates). Blocks are appended, never rewritten, so a
 * restart continues the same file; the header is written only when the file is new or empty.
 * With `maxBytes`, a full file is renamed to the next free `<path>.<n>` and a new one started.
 */
export class AppendLog {
  private size: number | null = null;
  private readonly aside: AsideNumbers;
  private readonly header: Buffer;

  constructor(
    readonly path: string,
    private readonly options: AppendLogOptions,
  ) {
    this.aside = new AsideNumbers(path);
    this.header = Buffer.from(options.header, options.encoding);
  }

  /** Appends rendered blocks in order, rotating between blocks when `maxBytes` would be exceeded. */
  async append(blocks: readonly string[]): Promise<void> {
    if (this.size === null) {
      await mkdir(dirname(this.path), { recursive: true });
      this.size = (await sizeOf(this.path)) ?? 0;
    }
    if (this.options.maxBytes === undefined) return this.appendAll(blocks);
    let pending: Buffer[] = this.size === 0 ? [this.header] : [];
    let pendingBytes = this.size === 0 ? this.header.length : 0;
    for (const block of blocks) {
      const bytes = Buffer.from(block, this.options.encoding);
      if (this.wouldOverflow(pendingBytes + bytes.length) && this.size + pendingBytes > this.header.length) {
        await this.write(pending, pendingBytes);
        await this.rotate();
        pending = [this.header];
        pendingBytes = this.header.length;
      }
      pending.push(bytes);
      pendingBytes += bytes.length;
    }
    await this.write(pending, pendingBytes);
  }

  /** Without rotation, the batch is one string encoded once: no per-block buffers. */
  private async appendAll(blocks: readonly string[]): Promise<void> {
    const text = blocks.join('');
    if (!text) return;
    const bytes = Buffer.from(this.size === 0 ? this.options.header + text : text, this.options.encoding);
    await this.write([bytes], bytes.length);
  }

  private wouldOverflow(extra: number): boolean {
    const max = this.options.maxBytes;
    return max !== undefined && (this.size ?? 0) + extra > max;
  }

  private async write(buffers: Buffer[], bytes: number): Promise<void> {
    if (bytes === 0) return;
    await appendFile(this.path, buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers, bytes));
    this.size = (this.size ?? 0) + bytes;
  }

  private async rotate(): Promise<void> {
    if ((await sizeOf(this.path)) !== null) await this.aside.moveAside();
    this.size = 0;
  }
}
