import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Makes a rename or a new file durable: fsync the folder that holds it. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on a folder (EINVAL/EISDIR); the rename is then as durable as they allow.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    await handle.close();
  }
}

/** Writes every piece, in order, at the file's start (`writev` may stop short, like `write`). */
async function writeAll(handle: FileHandle, pieces: readonly Uint8Array[]): Promise<void> {
  // Bounded slices: the kernel takes at most IOV_MAX (1024) pieces per call anyway.
  let position = 0;
  for (let start = 0; start < pieces.length; start += 1024) {
    const slice = pieces.slice(start, start + 1024);
    const size = slice.reduce((total, piece) => total + piece.byteLength, 0);
    let written = (await handle.writev(slice, position)).bytesWritten;
    while (written < size) {
      const rest = Buffer.concat(slice).subarray(written);
      written += (await handle.write(rest, 0, rest.byteLength, position + written)).bytesWritten;
    }
    position += size;
  }
}

/** Writes pieces as they come, one after another from the file's start. */
async function writeStream(handle: FileHandle, pieces: AsyncIterable<Uint8Array>): Promise<void> {
  let position = 0;
  for await (const piece of pieces) {
    for (let done = 0; done < piece.byteLength; ) {
      const { bytesWritten } = await handle.write(piece, done, piece.byteLength - done, position + done);
      if (bytesWritten === 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
      done += bytesWritten;
    }
    position += piece.byteLength;
  }
}

/**
 * Replaces `path` with `pieces` (concatenated) so that a crash leaves either the old file or the new one,
 * never a torn one: write a temporary file in the same folder, fsync it, rename it over
 * `path`, fsync the folder. The pieces may come as a stream, so a large file is never held whole.
 * Without `durable`, nothing is fsynced: for files that can be rebuilt and check themselves (an
 * index), a crash may leave the old file, the new one, or a damaged one, never a torn mix.
 */
export async function writeAtomic(path: string, pieces: readonly Uint8Array[] | AsyncIterable<Uint8Array>, { durable = true } = {}): Promise<void> {
  const folder = dirname(path);
  const temp = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await (Array.isArray(pieces) ? writeAll(handle, pieces) : writeStream(handle, pieces as AsyncIterable<Uint8Array>));
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (durable) await syncFolder(folder);
}

/** Whether a process with this pid runs on this host (EPERM: it does, as another user). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files that writers of `path` left behind when killed mid-write. */
export async function removeStaleTemps(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) await rm(join(dirname(path), name), { force: true });
  }
}
