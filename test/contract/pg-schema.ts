import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh PostgreSQL schema and the URL that selects it (the `options` connection parameter
 * sets `search_path`), so a test's tables land in that schema only; `drop` removes it.
 */
export async function freshPgSchema(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `historian_test_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE SCHEMA "${schema}"`);
  const separator = base.includes('?') ? '&' : '?';
  return { url: `${base}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`, drop: () => run(`DROP SCHEMA "${schema}" CASCADE`) };
}
