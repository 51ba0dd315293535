import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli/run.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const markdown = [join(root, 'README.md'), ...filesUnder(join(root, 'docs')), ...filesUnder(join(root, 'examples')).filter((f) => f.endsWith('.md'))];
/** What a user of the package reads: the docs, the sources' TSDoc and strings, the templates and examples. */
const shipped = [...markdown, ...filesUnder(join(root, 'src')), ...filesUnder(join(root, 'templates')), ...filesUnder(join(root, 'examples'))];

/** GitHub's anchor of a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

describe('the documentation ships with the package and is self-contained', () => {
  it('refers to no SPEC section, which does not ship', () => {
    const referring = shipped.filter((file) => /SPEC (§|section)/.test(readFileSync(file, 'utf8'))).map((file) => relative(root, file));
    expect(referring).toEqual([]);
  });

  // Every command's --help at once: many CLI starts, slow on a loaded machine (as in readme.test.ts).
  it('--help of the program and of every command refers to no SPEC section', { timeout: 120_000 }, async () => {
    const help = (await runCli(['--help'])).stdout;
    const commands = [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    const texts = [help, ...(await Promise.all(commands.map(async (command) => (await runCli([command, '--help'])).stdout)))];
    expect(texts.filter((text) => text.includes('SPEC'))).toEqual([]);
  });

  it('every relative link of the README and docs/ leads to a file, and to a heading of it', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const linked = path === '' ? file : resolve(dirname(file), path);
        if (!existsSync(linked)) broken.push(`${relative(root, file)}: ${target}`);
        else if (anchor !== undefined && linked.endsWith('.md') && !anchorsOf(linked).has(anchor)) broken.push(`${relative(root, file)}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README links the reference pages, and the package ships docs/', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const page of ['manifest.md', 'entries.md', 'runs.md', 'templates.md']) expect(readme).toContain(`](docs/${page}`);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('docs');
  });
});
