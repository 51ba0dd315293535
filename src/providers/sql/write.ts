import type { LogRecord, Rejection } from '../../core/provider.js';
import { reserveOrder } from './order.js';
import type { SqlBackend } from './dialect.js';
import { batchRows } from './rows.js';
import { addStored, mistagged, retag, retagCandidates } from './totals.js';
import { runSessions, writeRunEvents } from './run-events.js';

/** Writes log batches into a database. */
export interface BatchWriter {
  /** Stores a batch; returns the run facts refused because their session holds their sequence. */
  write(batch: readonly LogRecord[]): Promise<Rejection[]>;
}

/**
 * One transaction per batch. The run-log sessions of the batch are locked first, before any
 * other statement, so the sequence numbers read later in the transaction are the committed ones
 * and no lock is taken while holding row locks another writer may wait for. The batch's places
 * in the store's order are taken first (see order.ts): on a server by one statement of their own.
 */
export function batchWriter(backend: SqlBackend): BatchWriter {
  const { dialect } = backend;
  // SQLite: in the batch's transaction. A server: one atomic statement on its own (UPDATE …
  // RETURNING on PostgreSQL, LAST_INSERT_ID(expr) on MySQL).
  const reserve = async (count: number): Promise<number | undefined> =>
    dialect.family === 'sqlite' ? undefined : reserveOrder(backend.statements, dialect.tables, count);
  return {
    write: async (batch) => {
      const reserved = await reserve(batch.length);
      return backend.transaction(async (s) => {
        for (const session of runSessions(batch)) await s.lockSession(session);
        const last = reserved ?? (await reserveOrder(s, dialect.tables, batch.length));
        const rows = batchRows(batch, last);
        const candidates = await retagCandidates(s, dialect, rows);
        await addStored(s, await s.writeRows(rows));
        await retag(dialect, s, await mistagged(s, dialect.tables, candidates));
        return writeRunEvents(dialect, s, batch, last);
      });
    },
  };
}

