import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

// types/sdk-types.ts passes what the real SDKs return (create, parse, the streams' final results,
// the AI SDK callbacks and results) to every adapter, against the built declarations in dist/
// (test/global-setup.ts builds them) with exactOptionalPropertyTypes on, as a strict caller would.
it('every adapter takes the real SDK result types, under exactOptionalPropertyTypes', async () => {
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', 'test/adapters/types/tsconfig.json'], { cwd: root }).catch((error: { stdout: string }) => error);
  expect(result.stdout).toBe('');
}, 120_000);
