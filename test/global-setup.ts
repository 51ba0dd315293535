import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A tarball of a freshly initialised PGlite database (see test/shared-pglite.ts). */
    pgliteTemplate: string;
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds dist/ (for the CLI and child-process tests); meanwhile makes the PGlite template if it is missing. */
export default async function setup(project: TestProject): Promise<void> {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const build = promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root }).catch((error: { stdout?: string; stderr?: string }) => {
    process.stdout.write(error.stdout ?? '');
    process.stderr.write(error.stderr ?? '');
    throw error;
  });
  const [, template] = await Promise.all([build, pgliteTemplate()]);
  project.provide('pgliteTemplate', template);
}

/**
 * initdb costs seconds of CPU per PGlite database; the tests load its result instead. It is
 * made once per PGlite version and kept in node_modules/.cache (written aside, then renamed, so
 * two runs at once never read half a file).
 */
async function pgliteTemplate(): Promise<string> {
  const pkg = join(root, 'node_modules/@electric-sql/pglite/package.json');
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  const dir = join(root, 'node_modules/.cache/historian-test');
  const file = join(dir, `pglite-${version}.tar`);
  if (existsSync(file)) return file;
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite();
  try {
    // dumpDataDir before the database is ready never settles.
    await db.waitReady;
    const tarball = await db.dumpDataDir('none');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${file}.${process.pid}`, Buffer.from(await tarball.arrayBuffer()));
    renameSync(`${file}.${process.pid}`, file);
  } finally {
    await db.close();
  }
  return file;
}
