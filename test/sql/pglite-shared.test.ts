// The tests' in-memory PGlite (test/shared-pglite.ts) must isolate like separate databases.
import { PGlite } from '@electric-sql/pglite';
import { expect, it } from 'vitest';

const tables = async (db: PGlite) =>
  (await db.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()')).rows.map((r) => r.name);

it('gives each in-memory database an empty schema, and two open at once are two databases', async () => {
  const first = new PGlite();
  await first.waitReady;
  await first.exec('CREATE TABLE messages (id text)');
  const second = new PGlite();
  await second.waitReady;
  expect(await tables(second)).toEqual([]);
  await second.exec('CREATE TABLE commands (id text)');
  expect(await tables(first)).toEqual(['messages']);
  await first.close();
  await second.close();

  const third = new PGlite();
  await third.waitReady;
  expect(await tables(third)).toEqual([]);
  await third.exec('CREATE TABLE messages (id text)');
  await third.close();
  expect(third.closed).toBe(true);
});
