import type { RunFact } from '../core/entries.js';
import type { EntryStore } from './store.js';
import type { RunFactQuery, RunReader } from '../core/run-queries.js';

function within(timestamp: string, since: string | undefined, until: string | undefined): boolean {
  return (since === undefined || timestamp >= since) && (until === undefined || timestamp <= until);
}

/** The runs whose first fact lies in the query's start window. */
function runsStartedIn(facts: readonly RunFact[], query: RunFactQuery): Set<string> {
  const starts = new Map<string, string>();
  for (const fact of facts) {
    const start = starts.get(fact.run_id);
    if (start === undefined || fact.timestamp < start) starts.set(fact.run_id, fact.timestamp);
  }
  const found = new Set<string>();
  for (const [run, start] of starts) if (within(start, query.started_since, query.started_until)) found.add(run);
  return found;
}

/**
 * Selects facts as the sql provider does in its WHERE clause: the JavaScript side of
 * `RunReader.facts`, for the providers that keep entries in an `EntryStore`.
 */
export function selectFacts(facts: readonly RunFact[], query: RunFactQuery): RunFact[] {
  const types = query.types ? new Set<string>(query.types) : undefined;
  const runs = query.run_ids ? new Set(query.run_ids) : undefined;
  const owned = facts.filter(
    (f) =>
      (query.session_id === undefined || f.session_id === query.session_id) &&
      (query.run_id === undefined || f.run_id === query.run_id) &&
      (runs === undefined || runs.has(f.run_id)) &&
      (query.agent === undefined || f.agent_name === query.agent),
  );
  const started = query.started_since !== undefined || query.started_until !== undefined ? runsStartedIn(owned, query) : undefined;
  return owned.filter(
    (f) =>
      (types === undefined || types.has(f.type)) &&
      within(f.timestamp, query.since, query.until) &&
      (started === undefined || started.has(f.run_id)),
  );
}

/** The run reader of a store-backed provider (memory, file). */
export function storeRunReader(store: EntryStore): RunReader {
  return {
    async facts(query) {
      return selectFacts(store.facts, query);
    },
  };
}
