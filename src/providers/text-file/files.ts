import { readdir, rename, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/** Size of a file in bytes, or null when it does not exist. */
export async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Numbers the files set aside for one log (`chat.log.1`, `chat.log.2`…). The folder is scanned
 * once; later numbers count up from the highest seen, so an older file is never overwritten.
 */
export class AsideNumbers {
  private highest: number | null = null;

  constructor(private readonly path: string) {}

  /** Renames the log to the next free `<path>.<n>` and returns that name. */
  async moveAside(): Promise<string> {
    const target = `${this.path}.${await this.next()}`;
    await rename(this.path, target);
    return target;
  }

  private async next(): Promise<number> {
    this.highest ??= await this.scan();
    // A file with the next number may have appeared meanwhile (another process): skip past it.
    while ((await sizeOf(`${this.path}.${this.highest + 1}`)) !== null) this.highest += 1;
    this.highest += 1;
    return this.highest;
  }

  private async scan(): Promise<number> {
    const name = basename(this.path);
    const prefix = `${name}.`;
    let highest = 0;
    for (const file of await readdir(dirname(this.path))) {
      const suffix = file.startsWith(prefix) ? file.slice(prefix.length) : '';
      if (/^\d+$/.test(suffix)) highest = Math.max(highest, Number(suffix));
    }
    return highest;
  }
}
