import type { LogRecord } from '../../core/provider.js';
import type { SqlBackend } from './dialect.js';
import { batchRows } from './rows.js';
import { addStored, mistagged, retag, retagCandidates } from './totals.js';
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
        const candidates = await retagCandidates(s, backend.dialect, rows);
        await addStored(s, await s.writeRows(rows));
        await retag(backend.dialect, s, await mistagged(s, backend.dialect.tables, candidates));
        await writeRunEvents(backend.dialect, s, batch);
      }),
  };
}

