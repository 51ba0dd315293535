import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileLock } from '../../fs/lock.js';
import type { TextFileConfig } from './config.js';
import { baseFolder } from './paths.js';

/** Suffixes of the files a log keeps beside itself: the journal of a grouped log. */
const COMPANIONS = ['', '.entries.jsonl'];

/**
 * A pattern matching every file a path template can name: its text as written, and each
 * `{{ … }}` or `{% … %}` any run of characters within one path segment (values reach a path
 * only as single segments; see paths.ts).
 */
export function pathPattern(path: string): RegExp {
  const parts = path.split(/(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\})/);
  const source = parts.map((part, i) => (i % 2 === 1 ? '[^/]*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}(?:${COMPANIONS.map((suffix) => suffix.replace(/\./g, '\\.')).join('|')})$`);
}

/** The files under `folder`, at any depth; none when it does not exist. */
async function filesUnder(folder: string): Promise<string[]> {
  try {
    const found = await readdir(folder, { recursive: true, withFileTypes: true });
    return found.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Deletes the logs of a text_file provider, and their journals: every file its path template
 * can name. Each is deleted under the lock its writers take, so a live writer starts a new file
 * after. Files set aside (`.rejected.jsonl`, `<path>.<n>` renamed before a first render) are kept.
 * Returns the files deleted.
 */
export async function clearTextFile(config: TextFileConfig, label: string): Promise<string[]> {
  const pattern = pathPattern(config.path);
  const logs = (await filesUnder(baseFolder(config.path))).filter((file) => pattern.test(file) && !file.endsWith('.lock'));
  const deleted: string[] = [];
  for (const file of logs.sort()) {
    await new FileLock(file.replace(/\.entries\.jsonl$/, ''), { label }).run(async () => {
      await rm(file, { force: true });
    });
    deleted.push(file);
  }
  return deleted;
}
