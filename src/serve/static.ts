import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The console's files (plain ES modules, CSS and HTML), shipped in the package beside dist/. */
const UI_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** The file of the console `path` names (`/` is index.html), or null for anything else. */
export async function uiFile(path: string): Promise<{ body: Buffer; type: string } | null> {
  const name = path === '/' ? 'index.html' : /^\/([a-z0-9-]+\.(?:js|css|html|svg))$/.exec(path)?.[1];
  if (!name) return null;
  try {
    return { body: await readFile(UI_DIR + name), type: TYPES[name.split('.').pop()!]! };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
