import { completedResult, toolCallKey, type Entry, type ToolCallEntry } from '../../core/entries.js';
import type { EntryQuery, Normalized } from '../../core/queries.js';

/**
 * The tool calls of a JSON Lines file that a later line completed. The file is append-only, so a
 * tool call logged again with its `tool_call_id` (its result known) is a second line; reading
 * merges it into the first line of its conversation and id, as the other providers store one row.
 */
export interface ToolCallCompletions {
  /** The first call of each completed id, its result filled from a later line, by entry id. */
  completed: Map<string, ToolCallEntry>;
  /** The ids of the later lines, which are not entries of their own. */
  merged: Set<string>;
}

/** Whether a query reads tool calls. */
export function readsToolCalls(query: Normalized<EntryQuery>): boolean {
  return query.types === undefined || query.types.includes('tool_call');
}

/**
 * The completions among tool calls read in file order: those of the query's scope at any time
 * (a completion may come after the query's window).
 */
export async function toolCallCompletions(calls: AsyncIterable<Entry[]>): Promise<ToolCallCompletions> {
  const found: ToolCallCompletions = { completed: new Map(), merged: new Set() };
  const firsts = new Map<string, ToolCallEntry>();
  for await (const batch of calls) {
    for (const call of batch as ToolCallEntry[]) {
      if (call.tool_call_id === undefined) continue;
      const key = toolCallKey(call.conversation_id, call.tool_call_id);
      const first = firsts.get(key);
      if (!first) {
        firsts.set(key, call);
        continue;
      }
      found.merged.add(call.id);
      const completed = found.completed.get(first.id) ?? { ...first };
      const result = completedResult(completed.result, call.result);
      if (result !== undefined && result !== null) completed.result = result;
      found.completed.set(first.id, completed);
    }
  }
  return found;
}

/** An entry as read with the completions applied: the completed call, or null for a line merged into an earlier one. */
export function withCompletions(entry: Entry, completions: ToolCallCompletions | null): Entry | null {
  if (completions === null || entry.type !== 'tool_call') return entry;
  if (completions.merged.has(entry.id)) return null;
  return completions.completed.get(entry.id) ?? entry;
}
