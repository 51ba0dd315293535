import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { historyContract } from './history-contract.js';

const url = process.env.HISTORIAN_TEST_PG_URL;

/**
 * A fresh schema for one test, and the URL that selects it: PostgreSQL's own `options`
 * connection parameter sets `search_path`, so historian's tables land in that schema only.
 */
async function freshSchema(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `historian_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const separator = base.includes('?') ? '&' : '?';
  return {
    url: `${base}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
    },
  };
}

if (url) {
  historyContract(
    'sql (PostgreSQL server)',
    async () => {
      const { url: schemaUrl, drop } = await freshSchema(url);
      return { storage: { providers: [{ type: 'sql', url: schemaUrl, pool_size: 2 }] }, cleanup: drop };
    },
    { persistent: true },
  );
} else {
  describe('history contract: sql (PostgreSQL server)', () => {
    it.skip('skipped: set HISTORIAN_TEST_PG_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run it', () => {});
  });
}
