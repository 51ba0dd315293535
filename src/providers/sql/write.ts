import type { LogRecord } from '../../core/provider.js';
import type { SqlBackend } from './dialect.js';
import { batchRows } from './rows.js';
import { addStored, retagStarted } from './totals.js';
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
        await addStored(s, await s.writeRows(rows));
        await retagStarted(backend.dialect, s, rows);
        await writeRunEvents(backend.dialect, s, batch);
      }),
  };
}

