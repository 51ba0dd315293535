import { and, eq, inArray, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import type { Dialect, Statements } from './dialect.js';
import { AGENT_OF_MESSAGE, chunked, field, messageSums, total } from './fragments.js';
import type { BatchRows } from './rows.js';
import type { CommonTables, Insert } from './schema/index.js';

// `message_totals` holds message counts, tokens and cost per (hour, agent, model), so stats read
// a row per group and hour. Every write keeps it in step in the batch's transaction: the
// messages it stored (not those stored already) are added under their agent, and a
// conversation_start that gives stored messages another agent moves their totals. Resets
// delete them with the messages.

type Totals = Insert<'messageTotals'>;

/** The unique key of a totals row. */
export const TOTALS_KEY = ['hour', 'agent_name', 'model'] as const;

/** The summed columns of a totals row. */
const SUMS = ['messages', 'total_tokens', 'prompt_tokens', 'completion_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost'] as const;

type Summed = Totals & Record<(typeof SUMS)[number], number>;

function emptyTotals(hour: string, agent_name: string, model: string): Summed {
  return { hour, agent_name, model, messages: 0, total_tokens: 0, prompt_tokens: 0, completion_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, cost: 0 };
}

function addInto(into: Map<string, Summed>, row: Summed, sign: 1 | -1): void {
  // The agent's length first, so no two (agent, model) pairs make the same key.
  const key = `${row.hour}|${row.agent_name.length}|${row.agent_name}|${row.model}`;
  const sum = into.get(key) ?? emptyTotals(row.hour, row.agent_name, row.model);
  for (const column of SUMS) sum[column] += sign * row[column];
  into.set(key, sum);
}

function byKey(a: Totals, b: Totals): number {
  for (const column of TOTALS_KEY) if (a[column] !== b[column]) return a[column] < b[column] ? -1 : 1;
  return 0;
}

/** Adds summed rows, in key order (so two writers take the rows' locks in the same order). */
async function increment(s: Statements, rows: Totals[]): Promise<void> {
  if (rows.length > 0) await s.increment('messageTotals', rows.sort(byKey), TOTALS_KEY);
}

/** Adds the messages a batch stored to the totals, each under the agent it was stored with. */
export async function addStored(s: Statements, messages: readonly Insert<'messages'>[]): Promise<void> {
  // By agent, model and hour in nested maps: no key string is built per message, and a run of
  // messages in one hour reuses one hour string (its hash is computed once).
  const sums = new Map<string, Map<string, Map<string, Summed>>>();
  let hour = '';
  for (const m of messages) {
    if (!m.timestamp.startsWith(hour) || hour === '') hour = m.timestamp.slice(0, 13);
    const agent = m.agent_name ?? '';
    const model = m.model ?? '';
    let byModel = sums.get(agent);
    if (!byModel) sums.set(agent, (byModel = new Map()));
    let byHour = byModel.get(model);
    if (!byHour) byModel.set(model, (byHour = new Map()));
    let sum = byHour.get(hour);
    if (!sum) byHour.set(hour, (sum = emptyTotals(hour, agent, model)));
    sum.messages += 1;
    sum.total_tokens += m.total_tokens ?? 0;
    sum.prompt_tokens += m.prompt_tokens ?? 0;
    sum.completion_tokens += m.completion_tokens ?? 0;
    sum.cache_read_tokens += m.cache_read_tokens ?? 0;
    sum.cache_write_tokens += m.cache_write_tokens ?? 0;
    sum.reasoning_tokens += m.reasoning_tokens ?? 0;
    sum.cost += m.cost ?? 0;
  }
  await increment(
    s,
    [...sums.values()].flatMap((byModel) => [...byModel.values()].flatMap((byHour) => [...byHour.values()])),
  );
}

/** The totals of some conversations' stored messages, as the database sums them. */
async function totalsOf(s: Statements, dialect: Dialect, ids: string[]): Promise<Summed[]> {
  const m = dialect.tables.messages;
  const agent = sql<string>`coalesce(${m.agent_name}, '')`;
  const model = sql<string>`coalesce(${m.model}, '')`;
  const hour = sql<string>`substr(${m.timestamp}, 1, 13)`;
  const sums = { messages: total(sql`1`), ...messageSums(m) };
  return s.fields(
    { hour, agent_name: agent, model, ...sums },
    'messages',
    { where: inArray(m.conversation_id, ids), groupBy: [hour, agent, model] },
  );
}

/**
 * The conversations a batch starts whose stored messages may end up under another agent, read
 * before the batch is written: a start can give a conversation another agent after its first
 * messages were stored. On SQLite the batch holds the write lock, so only conversations stored
 * under another agent qualify; on a server another writer may also store a conversation's first
 * messages between this read and the batch's upsert, so the ones not stored yet qualify too.
 * `mistagged` then keeps those whose messages really differ once the batch is written.
 */
export async function retagCandidates(s: Statements, dialect: Dialect, rows: BatchRows): Promise<string[]> {
  if (rows.starts.length === 0) return [];
  const stored = await s.agentsOf(rows.starts.map((row) => row.conversation_id));
  const serialized = dialect.family === 'sqlite';
  return rows.starts
    .filter(({ conversation_id: id, agent_name: agent }) => (stored.has(id) ? stored.get(id) !== (agent ?? null) : !serialized))
    .map((row) => row.conversation_id);
}

/** Of these conversations, those with a stored message whose agent is not the conversation's. */
export async function mistagged(s: Statements, t: CommonTables, ids: readonly string[]): Promise<string[]> {
  const { messages: m, conversations: c } = t;
  const differs = or(and(isNull(m.agent_name), isNotNull(c.agent_name)), and(isNotNull(m.agent_name), isNull(c.agent_name)), ne(m.agent_name, c.agent_name));
  const found: string[] = [];
  for (const chunk of chunked(ids)) {
    const rows = await s.fields({ id: field(m.conversation_id) }, 'messages', {
      join: { table: 'conversations', on: eq(m.conversation_id, c.conversation_id) },
      where: and(inArray(m.conversation_id, chunk), differs),
      groupBy: [field(m.conversation_id)],
    });
    for (const row of rows) if (row.id !== null) found.push(row.id);
  }
  return found;
}

/**
 * The stored messages of these conversations take the agent each conversation has now, and their
 * totals move with them (an index range per conversation).
 */
export async function retag(dialect: Dialect, s: Statements, conversations: readonly string[]): Promise<void> {
  const m = dialect.tables.messages;
  for (const ids of chunked(conversations)) {
    const before = await totalsOf(s, dialect, ids);
    if (before.length === 0) continue;
    await s.update('messages', { agent_name: AGENT_OF_MESSAGE }, inArray(m.conversation_id, ids));
    const moved = new Map<string, Summed>();
    for (const row of before) addInto(moved, row, -1);
    for (const row of await totalsOf(s, dialect, ids)) addInto(moved, row, 1);
    await increment(
      s,
      [...moved.values()].filter((row) => row.messages !== 0 || row.total_tokens !== 0 || row.cost !== 0),
    );
  }
}

/** Deletes the totals of every message, or of one agent's (reset deletes the messages with them). */
export function deleteTotals(s: Statements, t: CommonTables, agent: string | undefined): Promise<void> {
  return s.delete('messageTotals', agent === undefined ? undefined : eq(t.messageTotals.agent_name, agent));
}
