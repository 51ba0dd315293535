import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian } from '../../src/index.js';
import { freshPgSchema } from '../contract/pg-schema.js';

const url = process.env.HISTORIAN_TEST_PG_URL;

describe.runIf(url)('PostgreSQL: auto_migration from schema version 3 (HISTORIAN_TEST_PG_URL)', () => {
  let schema: Awaited<ReturnType<typeof freshPgSchema>>;
  const inSchema = async (statements: string) => {
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      await client.query(statements);
    } finally {
      await client.end();
    }
  };

  beforeEach(async () => {
    schema = await freshPgSchema(url!);
  });
  afterEach(() => schema.drop());

  it('merges a tool call logged again into the first row and rebuilds the totals with cache and reasoning sums', async () => {
    const before = await createHistorian({ providers: [{ type: 'sql', url: schema.url }] });
    const usage = { prompt: 100, completion: 40, cache_read: 60, cache_write: 10, reasoning: 25 };
    before.log({ type: 'message', conversation_id: 'c', role: 'assistant', content: 'a', model: 'm', cost_info: { token_usage: usage }, timestamp: '2026-11-20T09:00:01.000Z' });
    before.log({ type: 'tool_call', id: 'first', conversation_id: 'c', message_id: 'm', tool_call_id: 'call-1', tool_name: 'grep', args: {}, result: null, timestamp: '2026-11-20T09:00:02.000Z' });
    await before.close();
    await inSchema(`DROP INDEX tool_calls_call_id_idx; UPDATE historian_meta SET value = '3' WHERE key = 'schema_version';
      ALTER TABLE message_totals DROP COLUMN cache_read_tokens, DROP COLUMN cache_write_tokens, DROP COLUMN reasoning_tokens;
      INSERT INTO tool_calls (id, conversation_id, message_id, tool_call_id, timestamp, seq, tool_name, args, result)
        VALUES ('later', 'c', 'm', 'call-1', '2026-11-20T09:00:03.000Z', 9, 'grep', '{}', '{"lines":3}');`);

    const after = await createHistorian({ providers: [{ type: 'sql', url: schema.url }] });
    const calls = [];
    for await (const entry of after.history().entries({ types: ['tool_call'] })) if (entry.type === 'tool_call') calls.push([entry.id, entry.result]);
    expect(calls).toEqual([['first', { lines: 3 }]]);
    const stats = await after.history().stats({ group_by: 'model', since: '2026-11-20T00:00:00Z', until: '2026-11-21T00:00:00Z' });
    expect(stats.groups.map((g) => [g.key, g.cache_read_tokens, g.cache_write_tokens, g.reasoning_tokens])).toEqual([['m', 60, 10, 25]]);
    await after.close();
  });
});
