import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// A project of its own that depends on the built package, as an installed one would.
const project = mkdtempSync(join(tmpdir(), 'historian-package-'));
mkdirSync(join(project, 'node_modules'));
symlinkSync(root, join(project, 'node_modules', 'historian'), 'dir');
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** Node 20.19 is the first 20.x that loads ES modules with `require()` by default. */
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const requireEsm = major > 20 || (major === 20 && minor >= 19);

function node(args: string[]) {
  return promisify(execFile)(process.execPath, args, { cwd: project });
}

describe('the package as a dependency', () => {
  it('is imported by name from an ES module', async () => {
    const { stdout } = await node(['--input-type=module', '-e', "import { createHistorian } from 'historian'; console.log(typeof createHistorian)"]);
    expect(stdout.trim()).toBe('function');
  });

  it.skipIf(!requireEsm)('is required by name from CommonJS, and logs (Node ≥ 20.19; skipped on older Node)', async () => {
    const script = `
      const { createHistorian } = require('historian');
      createHistorian({ providers: [{ type: 'memory' }] }).then(async (historian) => {
        const entry = historian.logMessage({ conversation_id: 'c1', role: 'user', content: 'hi' });
        await historian.close();
        console.log(JSON.stringify({ id: typeof entry.id, type: entry.type }));
      });`;
    const { stdout, stderr } = await node(['-e', script]);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ id: 'string', type: 'message' });
  });
});
