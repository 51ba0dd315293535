import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncFolder } from './atomic.js';

/**
 * A file that only grows at its end, written by several processes in turn under a `FileLock`:
 * JSON Lines histories, chronological text logs, the journal of a grouped log. Every use
 * starts with `open()` under the lock; then an append is all or nothing: every byte is
 * written (a write may stop short on a full disk), made durable with fdatasync, and a
 * failure cuts the file back to its size before, so a retry neither duplicates nor continues
 * a torn piece.
 */
export class AppendFile {
  private handle: FileHandle | null = null;
  /** Whether we created the file, so its folder entry must be made durable too. */
  private created = false;
  private bytes = 0;
  private id = '';

  constructor(readonly path: string) {}

  /** The file's size as of `open()`, then after each append or truncation of ours. */
  get size(): number {
    return this.bytes;
  }

  /** `dev:ino` of the open file: tells a reader whether the file it read from is still the one at `path`. */
  get identity(): string {
    return this.id;
  }

  /**
   * Opens the file, creating it, and returns its size. A handle kept from an earlier call is
   * reopened when `path` now names another file: another process rewrote it atomically (a
   * reset), rotated it, or deleted it, and appending to the old inode would lose the lines.
   */
  async open(): Promise<number> {
    if (this.handle) {
      const mine = await this.handle.stat();
      const current = await stat(this.path).catch(() => null);
      if (current !== null && current.dev === mine.dev && current.ino === mine.ino) return (this.bytes = mine.size);
      await this.close();
    }
    // Sticky until an append has synced the folder: a file we created stays ours to make durable.
    if ((await stat(this.path).catch(() => null)) === null) this.created = true;
    // 'a+': appends always land at the end, and reads (tail checks, catching up) use the same handle.
    this.handle = await open(this.path, 'a+');
    const info = await this.handle.stat();
    this.id = `${info.dev}:${info.ino}`;
    return (this.bytes = info.size);
  }

  /** Appends every piece in order and makes them durable; on failure the file is cut back and the error thrown. */
  async append(pieces: readonly Uint8Array[]): Promise<void> {
    const handle = this.opened();
    const before = this.bytes;
    try {
      for (const piece of pieces) await writeWhole(handle, piece);
      await handle.datasync();
      if (this.created) await syncFolder(dirname(this.path));
      this.created = false;
      this.bytes = before + pieces.reduce((total, piece) => total + piece.byteLength, 0);
    } catch (error) {
      await this.cutBack(before);
      throw error;
    }
  }

  /** Cuts the file to `size` bytes (a torn last line) and makes that durable. */
  async truncate(size: number): Promise<void> {
    const handle = this.opened();
    await handle.truncate(size);
    await handle.datasync();
    this.bytes = size;
  }

  /** Reads `length` bytes from `position` (fewer at the end of the file). */
  async read(position: number, length: number): Promise<Buffer> {
    const handle = this.opened();
    const buffer = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  }

  /** Closes the handle; the next `open()` opens the file afresh. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }

  private opened(): FileHandle {
    if (!this.handle) throw new Error(`${this.path} is not open`);
    return this.handle;
  }

  /** Undoes a failed append. If even that fails, the handle is dropped so the next `open()` measures the file again. */
  private async cutBack(size: number): Promise<void> {
    try {
      await this.truncate(size);
    } catch {
      await this.close();
    }
  }
}

/** Writes all of `bytes` at the end of the file: a write may take only part of them. */
async function writeWhole(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    if (bytesWritten === 0) throw Object.assign(new Error(`write made no progress (${bytes.byteLength - offset} bytes left)`), { code: 'EIO' });
    offset += bytesWritten;
  }
}
