import { inArray } from 'drizzle-orm';
import type { LogRecord } from '../../core/provider.js';
import type { Dialect, Statements } from './dialect.js';
import type { SqlBackend } from './dialect.js';
import { AGENT_OF_MESSAGE } from './fragments.js';
import { batchRows, type BatchRows } from './rows.js';
import { runSessions, writeRunEvents } from './run-events.js';

/** Writes log batches into a database. */
export interface BatchWriter {
  write(batch: readonly LogRecord[]): Promise<void>;
}

/**
 * One transaction per batch. The run-log sessions of the batch are locked first, before any
 * other statement, so the sequence numbers read later in the transaction are the committed ones
 * and no lock is taken while holding row locks another writer may wait for.
 */
export function batchWriter(backend: SqlBackend): BatchWriter {
  return {
    write: (batch) =>
      backend.transaction(async (s) => {
        for (const session of runSessions(batch)) await s.lockSession(session);
        const rows = batchRows(batch);
        await s.writeRows(rows);
        await retagStarted(backend.dialect, s, rows);
        await writeRunEvents(backend.dialect, s, batch);
      }),
  };
}

// Conversations per UPDATE: well under the bind-parameter limits of every family.
const CONVERSATIONS_PER_UPDATE = 500;

/**
 * A conversation_start can give a conversation another agent after its first messages were
 * stored; those messages take the agent the conversation has now (an index range per start).
 */
async function retagStarted(dialect: Dialect, s: Statements, rows: BatchRows): Promise<void> {
  const started = rows.starts.map((row) => row.conversation_id);
  const m = dialect.tables.messages;
  for (let i = 0; i < started.length; i += CONVERSATIONS_PER_UPDATE) {
    await s.update('messages', { agent_name: AGENT_OF_MESSAGE }, inArray(m.conversation_id, started.slice(i, i + CONVERSATIONS_PER_UPDATE)));
  }
}
