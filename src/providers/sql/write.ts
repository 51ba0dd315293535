import type { LogRecord } from '../../core/provider.js';
import type { SqlBackend } from './dialect.js';
import { batchRows } from './rows.js';
import { addStored, agentChanges, mistagged, retag } from './totals.js';
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
        const { changed, unseen } = await agentChanges(s, rows);
        await addStored(s, await s.writeRows(rows));
        const late = backend.dialect.family === 'sqlite' ? [] : await mistagged(s, backend.dialect.tables, unseen);
        await retag(backend.dialect, s, [...changed, ...late]);
        await writeRunEvents(backend.dialect, s, batch);
      }),
  };
}

