import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.js';

// Drivers load on demand: each test runs the built CLI or library (dist/) in a child process in
// which some packages cannot be imported, as if they were not installed (fixtures/hide-packages.mjs).
const HIDE = fileURLToPath(new URL('./fixtures/hide-packages.mjs', import.meta.url));
const LIBRARY = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;
const EVERY_DRIVER = ['better-sqlite3', 'pg', 'mysql2', '@electric-sql/pglite'];
const run = promisify(execFile);

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The environment of a child process in which `packages` are not installed. */
function without(packages: string[]): NodeJS.ProcessEnv {
  return { NODE_OPTIONS: `--import=${HIDE}`, HISTORIAN_HIDE_PACKAGES: packages.join(',') };
}

/** A manifest whose one provider is the sql database at `url`. */
function manifestFor(url: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'historian-drivers-'));
  folders.push(dir);
  const path = join(dir, 'agents.yml');
  writeFileSync(path, `storage:\n  providers:\n    - type: sql\n      url: "${url}"\n`);
  return path;
}

describe('startup loads no database driver and no drizzle code', () => {
  it('historian --help works with every driver and drizzle-orm missing', async () => {
    const result = await runCli(['--help'], { env: without([...EVERY_DRIVER, 'drizzle-orm']) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: historian');
  });

  it("import('historian') works with every driver and drizzle-orm missing", async () => {
    const script = `const api = await import(${JSON.stringify(LIBRARY)}); console.log(typeof api.createHistorian);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...without([...EVERY_DRIVER, 'drizzle-orm']) } });
    expect(stdout.trim()).toBe('function');
  });
});

describe('a manifest that needs a driver that is not installed', () => {
  const cases = [
    { pkg: 'pg', url: 'postgresql://historian:s3cret@127.0.0.1:5432/db', where: 'postgresql://historian:***@127.0.0.1:5432/db' },
    { pkg: 'mysql2', url: 'mysql://historian:s3cret@127.0.0.1:3306/db', where: 'mysql://historian:***@127.0.0.1:3306/db' },
    { pkg: 'mysql2', url: 'mariadb://historian:s3cret@127.0.0.1:3306/db', where: 'mariadb://historian:***@127.0.0.1:3306/db' },
    { pkg: '@electric-sql/pglite', url: 'pglite://memory', where: 'pglite://memory' },
    { pkg: 'better-sqlite3', url: 'sqlite:///:memory:', where: 'sqlite:///:memory:' },
  ];
  for (const { pkg, url, where } of cases) {
    it(`fails in one line naming "${pkg}" and the command that installs it`, async () => {
      const manifest = manifestFor(url);
      for (const args of [['history', 'show'], ['migrate']]) {
        const result = await runCli([...args, '-c', manifest], { env: without([pkg]) });
        expect(result.code).toBe(1);
        expect(result.stderr).toBe(`historian: sql: ${where} needs the "${pkg}" package: npm install ${pkg}\n`);
      }
    });
  }

  it('is a ProviderError for library callers', async () => {
    const script = `
      const { createHistorian, ProviderError } = await import(${JSON.stringify(LIBRARY)});
      const error = await createHistorian({ providers: [{ type: 'sql', url: 'pglite://memory' }] }).catch((e) => e);
      console.log(JSON.stringify({ provider: error instanceof ProviderError, transient: error.transient, message: error.message }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...without(['@electric-sql/pglite']) } });
    expect(JSON.parse(stdout)).toEqual({
      provider: true,
      transient: false,
      message: 'sql: pglite://memory needs the "@electric-sql/pglite" package: npm install @electric-sql/pglite',
    });
  });

  it('leaves the other databases working: SQLite logs and reads without pg, mysql2 and PGlite', async () => {
    const manifest = manifestFor('sqlite:///history.db');
    const env = without(['pg', 'mysql2', '@electric-sql/pglite']);
    const line = '{"type":"message","conversation_id":"c1","role":"user","content":"no server needed"}\n';
    expect(await runCli(['ingest', '-', '-c', manifest], { input: line, env })).toMatchObject({ code: 0 });
    const shown = await runCli(['history', 'show', '--format', 'json', '-c', manifest], { env });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)[0].messages[0].content).toBe('no server needed');
  });
});
