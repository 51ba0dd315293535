import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runsContract } from './runs-contract.js';

// The run-log contract on every readable provider but PGlite (see runs-pglite.test.ts).

function folder(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

runsContract('memory', () => ({ storage: { providers: [{ type: 'memory' }] } }), { persistent: false });

runsContract(
  'sql (SQLite file)',
  () => {
    const { dir, cleanup } = folder('historian-runs-sqlite-');
    return { storage: { providers: [{ type: 'sql', url: `sqlite:///${join(dir, 'history.db')}` }] }, cleanup };
  },
  { persistent: true },
);

for (const format of ['json', 'yaml', 'toml', 'ini', 'jsonl'] as const) {
  runsContract(
    `file (${format})`,
    () => {
      const { dir, cleanup } = folder(`historian-runs-file-${format}-`);
      return { storage: { providers: [{ type: 'file', path: join(dir, `history.${format}`) }] }, cleanup };
    },
    { persistent: true },
  );
}
