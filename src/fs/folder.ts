import { mkdirSync, statSync, type Stats } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

// Node's `mkdir(path, { recursive: true })` never returns for a folder that an existing parent
// refuses with ENOENT (anything under /proc): it is told the parent exists and tries the child
// again, forever, at full CPU. These walk up to the first path that exists and make each
// missing folder below it once, so a path either gets its folders or fails at once, naming why.

/** An error naming the folder that was asked for and why it cannot be made, with the system error as its cause. */
function folderError(target: string, error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOENT'
        ? 'the file system does not allow a folder there (ENOENT)'
        : (error as Error).message;
  return Object.assign(new Error(`cannot create the folder ${target}: ${reason}`, { cause: error }), { code });
}

/** Whether an existing path is a folder; a file there is in the way of `target`. */
function isFolder(target: string, path: string, stats: Stats): true {
  if (stats.isDirectory()) return true;
  throw folderError(target, Object.assign(new Error(`${path} is a file`), { code: 'ENOTDIR' }));
}

/** Nothing at `path` (or a file above it, found further up): null. Any other error fails. */
function absent(target: string, error: unknown): null {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return null;
  throw folderError(target, error);
}

/** A folder another process made meanwhile is fine; anything else fails. */
function madeMeanwhile(target: string, folder: string, error: unknown): void {
  const stats = statSync(folder, { throwIfNoEntry: false });
  if ((error as { code?: unknown }).code === 'EEXIST' && stats && isFolder(target, folder, stats)) return;
  throw folderError(target, error);
}

/** Makes `folder` and its missing ancestors; throws an error saying why it cannot be made. */
export async function makeFolder(folder: string): Promise<void> {
  const target = resolve(folder);
  const missing: string[] = [];
  for (let current = target; ; current = dirname(current)) {
    const stats = await stat(current).catch((error: unknown) => absent(target, error));
    if ((stats && isFolder(target, current, stats)) || dirname(current) === current) break;
    missing.unshift(current);
  }
  for (const path of missing) await mkdir(path).catch((error: unknown) => madeMeanwhile(target, path, error));
}

/** `makeFolder`, synchronously, for drivers that open synchronously. */
export function makeFolderSync(folder: string): void {
  const target = resolve(folder);
  const missing: string[] = [];
  for (let current = target; ; current = dirname(current)) {
    let stats: Stats | null;
    try {
      stats = statSync(current);
    } catch (error) {
      stats = absent(target, error);
    }
    if ((stats && isFolder(target, current, stats)) || dirname(current) === current) break;
    missing.unshift(current);
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      madeMeanwhile(target, path, error);
    }
  }
}
