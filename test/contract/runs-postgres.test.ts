import { describe, it } from 'vitest';
import { freshPgSchema } from './pg-schema.js';
import { runsContract } from './runs-contract.js';

const url = process.env.HISTORIAN_TEST_PG_URL;

if (url) {
  runsContract(
    'sql (PostgreSQL server)',
    async () => {
      const { url: schemaUrl, drop } = await freshPgSchema(url);
      return { storage: { providers: [{ type: 'sql', url: schemaUrl, pool_size: 2 }] }, cleanup: drop };
    },
    { persistent: true },
  );
} else {
  describe('runs contract: sql (PostgreSQL server)', () => {
    it.skip('skipped: set HISTORIAN_TEST_PG_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run it', () => {});
  });
}
