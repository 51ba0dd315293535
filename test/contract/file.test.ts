import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyContract } from './history-contract.js';

const EXTENSIONS = { json: 'json', yaml: 'yaml', toml: 'toml', ini: 'ini', jsonl: 'jsonl' } as const;

for (const [format, extension] of Object.entries(EXTENSIONS)) {
  historyContract(
    `file (${format})`,
    async () => {
      const dir = await mkdtemp(join(tmpdir(), `historian-file-${format}-`));
      return {
        storage: { providers: [{ type: 'file', path: join(dir, `history.${extension}`) }] },
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    },
    { persistent: true },
  );
}
