import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyContract } from './history-contract.js';

historyContract(
  'sql (SQLite file)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'historian-sqlite-'));
    return {
      storage: { providers: [{ type: 'sql', url: `sqlite:///${join(dir, 'nested', 'history.db')}` }] },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  { persistent: true },
);
