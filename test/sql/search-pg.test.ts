import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian } from '../../src/index.js';
import { freshPgSchema } from '../contract/pg-schema.js';

const PG_URL = process.env.HISTORIAN_TEST_PG_URL;

const message = (id: string, content: string, second: number) =>
  ({ type: 'message', id, conversation_id: 'c', role: 'user', content, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString() }) as const;

/** The plan PostgreSQL makes for the text filter historian sends (with the rows as they are). */
const PLAN = "EXPLAIN SELECT id FROM messages WHERE content ILIKE '%needle 7%' ESCAPE '\\'";

describe('the pg_trgm search index on PGlite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'historian-search-pglite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made with the tables, kept through a hard reset, and answers ILIKE', { timeout: 60_000 }, async () => {
    const url = `pglite:///${join(dir, 'db')}`;
    const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
    historian.log(message('a', 'Needle 7 here', 1));
    historian.log(message('b', 'needle 8', 2));
    await historian.flush();
    await historian.history().reset({ hard: true });
    historian.log(message('c', 'NEEDLE 7 again', 3));
    await historian.flush();
    expect((await historian.history().messages({ contains: 'needle 7' })).map((m) => m.id)).toEqual(['c']);
    await historian.close();
    const db = new PGlite(join(dir, 'db'), { extensions: { pg_trgm } });
    const { rows } = await db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'messages_content_trgm_idx'");
    expect(rows[0]?.indexdef).toMatch(/USING gin \(content (public\.)?gin_trgm_ops\)/);
    await db.exec('SET enable_seqscan = off');
    expect(JSON.stringify((await db.query(PLAN)).rows)).toContain('messages_content_trgm_idx');
    await db.close();
  });
});

describe.skipIf(!PG_URL)('the pg_trgm search index on PostgreSQL', () => {
  let schema: Awaited<ReturnType<typeof freshPgSchema>>;
  beforeEach(async () => {
    schema = await freshPgSchema(PG_URL!);
  });
  afterEach(() => schema.drop());

  async function inSchema<T>(statement: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      return (await client.query(statement)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it('is built concurrently for a store made without it, and the planner reads it', { timeout: 60_000 }, async () => {
    const url = schema.url;
    const first = await createHistorian({ providers: [{ type: 'sql', url }] }, { batchSize: 5_000 });
    for (let i = 0; i < 5_000; i++) first.log(message(`m${i}`, `needle ${i} in a message`, i));
    await first.close();
    await inSchema('DROP INDEX messages_content_trgm_idx');
    const tasks: [string, number, number][] = [];
    const second = await createHistorian({ providers: [{ type: 'sql', url }] }, { onProgress: (task, done, total) => tasks.push([task, done, total]) });
    expect(tasks[0]).toEqual(['sql: search index', 0, 1]);
    expect(tasks.at(-1)).toEqual(['sql: search index', 1, 1]);
    expect((await second.history().messages({ contains: 'NEEDLE 4242 ' })).map((m) => m.id)).toEqual(['m4242']);
    await second.close();
    const [valid] = await inSchema<{ indisvalid: boolean }>("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'messages_content_trgm_idx' AND c.relnamespace = current_schema()::regnamespace");
    expect(valid).toEqual({ indisvalid: true });
    await inSchema('ANALYZE messages');
    expect(JSON.stringify(await inSchema(PLAN))).toContain('messages_content_trgm_idx');
  });
});

describe.skipIf(!PG_URL)('on a PostgreSQL database where the role may not create pg_trgm', () => {
  const name = `h_search_limited_${process.pid}`;
  const admin = async (statement: string, database?: string) => {
    const url = new URL(PG_URL!);
    if (database) url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  beforeEach(async () => {
    await admin(`CREATE ROLE ${name} LOGIN`);
    await admin(`CREATE DATABASE ${name}`);
    await admin(`REVOKE CREATE ON DATABASE ${name} FROM PUBLIC; CREATE SCHEMA app AUTHORIZATION ${name}`, name);
  });
  afterEach(async () => {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin(`DROP ROLE IF EXISTS ${name}`);
  });

  it('warns once on open and searches by scanning', { timeout: 60_000 }, async () => {
    const url = new URL(PG_URL!);
    url.username = name;
    url.pathname = `/${name}`;
    url.searchParams.set('options', '-c search_path=app');
    const warnings: string[] = [];
    const historian = await createHistorian({ providers: [{ type: 'sql', url: url.toString() }] }, { onError: (error) => warnings.push(error.message) });
    historian.log(message('a', 'Needle here', 1));
    await historian.flush();
    expect((await historian.history().messages({ contains: 'NEEDLE' })).map((m) => m.id)).toEqual(['a']);
    await historian.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('cannot create extension pg_trgm');
    expect(warnings[0]).toContain('scans');
  });
});
