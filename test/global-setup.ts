import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** Builds dist/ (for the CLI and child-process tests), meanwhile initialises PGlite once. */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'historian-test-setup-'));
  const template = join(dir, 'pglite.tar');
  const build = promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root }).catch((error: { stdout?: string; stderr?: string }) => {
    process.stdout.write(error.stdout ?? '');
    process.stderr.write(error.stderr ?? '');
    throw error;
  });
  await Promise.all([build, writePgliteTemplate(template)]);
  project.provide('pgliteTemplate', template);
  return () => rmSync(dir, { recursive: true, force: true });
}

/** initdb costs seconds of CPU per PGlite database; the tests load its result instead. */
async function writePgliteTemplate(file: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite();
  try {
    // dumpDataDir before the database is ready never settles.
    await db.waitReady;
    const tarball = await db.dumpDataDir('none');
    writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
  } finally {
    await db.close();
  }
}
