import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Chromium the end-to-end tests drive: $HISTORIAN_CHROMIUM, else Debian's `chromium`
 * package (`.ci/run` installs it), else another usual place; undefined when there is none.
 */
export function findChromium(): string | undefined {
  const candidates = [process.env.HISTORIAN_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

/** Where the tests put their screenshots (ignored by git). */
export const OUTPUT = fileURLToPath(new URL('../.output/console/', import.meta.url));

/** The README's screenshots: written too when HISTORIAN_CONSOLE_DOCS=1. */
const DOCS = fileURLToPath(new URL('../../docs/console/', import.meta.url));

/** The files a screenshot named `name` is saved to. */
export function screenshotPaths(name: string): string[] {
  mkdirSync(OUTPUT, { recursive: true });
  const paths = [join(OUTPUT, `${name}.png`)];
  if (process.env.HISTORIAN_CONSOLE_DOCS === '1') {
    mkdirSync(DOCS, { recursive: true });
    paths.push(join(DOCS, `${name}.png`));
  }
  return paths;
}
