import { sql } from 'drizzle-orm';
import type { LogRecord } from '../../core/provider.js';
import type { Db, SqlBackend } from './connect.js';
import { batchRows, type BatchRows } from './rows.js';
import { writeRunEvents } from './run-events.js';
import type { Tables } from './schema/index.js';

// PostgreSQL accepts at most 65,535 bind parameters per statement; 20 columns × 1,000 rows fits.
const ROWS_PER_STATEMENT = 1_000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

async function upsertConversations(db: Db, t: Tables, rows: BatchRows): Promise<void> {
  for (const chunk of chunks(rows.implicit)) {
    await db
      .insert(t.conversations)
      .values(chunk)
      .onConflictDoUpdate({
        target: t.conversations.conversation_id,
        set: { start_time: sql`excluded.start_time` },
        setWhere: sql`${t.conversations.started} = false AND excluded.start_time < ${t.conversations.start_time}`,
      });
  }
  for (const chunk of chunks(rows.starts)) {
    await db
      .insert(t.conversations)
      .values(chunk)
      .onConflictDoUpdate({
        target: t.conversations.conversation_id,
        set: {
          agent_name: sql`excluded.agent_name`,
          start_time: sql`excluded.start_time`,
          started: sql`excluded.started`,
          start_id: sql`excluded.start_id`,
          seq: sql`excluded.seq`,
        },
        // The last conversation_start wins: the latest timestamp (a start logged late with an earlier one does not).
        setWhere: sql`${t.conversations.started} = false OR excluded.start_time >= ${t.conversations.start_time}`,
      });
  }
}

/** The PostgreSQL / PGlite batch writer: multi-row inserts, one transaction per batch. */
export function pgWriter(backend: SqlBackend): { write(batch: readonly LogRecord[]): Promise<void>; close(): Promise<void> } {
  const t = backend.tables;
  return {
    write: (batch) =>
      backend.transaction(async (db) => {
        const rows = batchRows(batch);
        await upsertConversations(db, t, rows);
        for (const chunk of chunks(rows.messages)) await db.insert(t.messages).values(chunk).onConflictDoNothing();
        for (const chunk of chunks(rows.toolCalls)) await db.insert(t.toolCalls).values(chunk).onConflictDoNothing();
        for (const chunk of chunks(rows.commands)) await db.insert(t.commands).values(chunk).onConflictDoNothing();
        for (const chunk of chunks(rows.context)) await db.insert(t.context).values(chunk).onConflictDoNothing();
        await writeRunEvents(backend, db, batch);
      }),
    async close() {},
  };
}
