import type { CommandEntry, ContextEntry, ConversationStartEntry, Entry, MessageEntry, ToolCallEntry } from '../../core/entries.js';
import type { LogRecord } from '../../core/provider.js';
import type { CommandRow, ContextRow, ConversationRow, Insert, MessageRow, ToolCallRow } from './schema/index.js';

/**
 * The row of a message entry, with its place in the store's order (see order.ts). One flat
 * literal (no spreads): this runs for every message logged.
 */
export function messageRow(entry: MessageEntry, seq: number): Insert<'messages'> {
  const usage = entry.cost_info?.token_usage;
  const model = entry.model;
  // `openai/gpt-4o` splits on the first `/` into provider and name; a bare name has no provider.
  const slash = model === undefined ? -1 : model.indexOf('/');
  return {
    id: entry.id,
    conversation_id: entry.conversation_id,
    message_id: entry.message_id ?? null,
    timestamp: entry.timestamp,
    seq,
    role: entry.role,
    content: entry.content,
    name: entry.name ?? null,
    model: model ?? null,
    model_provider: slash < 0 ? null : model!.slice(0, slash),
    model_name: model === undefined ? null : model.slice(slash + 1),
    total_tokens: usage?.total ?? null,
    prompt_tokens: usage?.prompt ?? null,
    completion_tokens: usage?.completion ?? null,
    cache_read_tokens: usage?.cache_read ?? null,
    cache_write_tokens: usage?.cache_write ?? null,
    reasoning_tokens: usage?.reasoning ?? null,
    cost: entry.cost_info?.total_cost ?? null,
    response_time: entry.response_time ?? null,
    finish_reason: entry.finish_reason ?? null,
    response_id: entry.response_id ?? null,
    reasoning: entry.reasoning ?? null,
    forwarded_from: entry.forwarded_from ?? null,
  };
}

/** The row of a tool call entry. */
export function toolCallRow(entry: ToolCallEntry, seq: number): Insert<'toolCalls'> {
  return {
    id: entry.id,
    conversation_id: entry.conversation_id,
    message_id: entry.message_id,
    tool_call_id: entry.tool_call_id ?? null,
    timestamp: entry.timestamp,
    seq,
    tool_name: entry.tool_name,
    args: entry.args,
    // JSON null and an undefined result are both stored as SQL NULL and read back as null.
    result: entry.result ?? null,
  };
}

/** The row of a command entry. */
export function commandRow(entry: CommandEntry, seq: number): Insert<'commands'> {
  return {
    id: entry.id,
    agent_name: entry.agent_name,
    session_id: entry.session_id,
    timestamp: entry.timestamp,
    seq,
    command: entry.command,
    context_type: entry.context_type ?? null,
    metadata: entry.metadata ?? null,
  };
}

/** The row of a context entry. */
export function contextRow(entry: ContextEntry, seq: number): Insert<'context'> {
  return {
    id: entry.id,
    conversation_id: entry.conversation_id,
    timestamp: entry.timestamp,
    seq,
    role: entry.role,
    content: entry.content,
    name: entry.name ?? null,
    model: entry.model ?? null,
    metadata: entry.metadata ?? null,
  };
}

/** Copies the non-null optional fields of a row onto an entry, so absent fields stay absent. */
function withOptional<T extends object>(entry: T, optional: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(optional)) if (value !== null && value !== undefined) (entry as Record<string, unknown>)[key] = value;
  return entry;
}

// A message may carry usage, a cost, both, or neither.
function costInfo(row: MessageRow): MessageEntry['cost_info'] {
  const counted = row.total_tokens !== null && row.prompt_tokens !== null && row.completion_tokens !== null;
  if (!counted && row.cost === null) return undefined;
  const token_usage = counted
    ? withOptional(
        { total: row.total_tokens!, prompt: row.prompt_tokens!, completion: row.completion_tokens! },
        { cache_read: row.cache_read_tokens, cache_write: row.cache_write_tokens, reasoning: row.reasoning_tokens },
      )
    : undefined;
  return withOptional({}, { token_usage, total_cost: row.cost });
}

/** The message entry of a stored row (docs/entries.md). */
export function messageEntry(row: MessageRow): MessageEntry {
  const base = { type: 'message' as const, id: row.id, timestamp: row.timestamp, seq: row.seq, conversation_id: row.conversation_id };
  return withOptional<MessageEntry>(
    { ...base, role: row.role, content: row.content },
    {
      message_id: row.message_id,
      name: row.name,
      model: row.model,
      cost_info: costInfo(row),
      response_time: row.response_time,
      finish_reason: row.finish_reason,
      response_id: row.response_id,
      reasoning: row.reasoning,
      forwarded_from: row.forwarded_from,
    },
  );
}

/** The tool call entry of a stored row. */
export function toolCallEntry(row: ToolCallRow): ToolCallEntry {
  const entry: ToolCallEntry = {
    type: 'tool_call',
    id: row.id,
    timestamp: row.timestamp,
    seq: row.seq,
    conversation_id: row.conversation_id,
    message_id: row.message_id,
    tool_name: row.tool_name,
    args: row.args,
    result: row.result,
  };
  return withOptional(entry, { tool_call_id: row.tool_call_id });
}

/** The command entry of a stored row. */
export function commandEntry(row: CommandRow): CommandEntry {
  const base = { type: 'command' as const, id: row.id, timestamp: row.timestamp, seq: row.seq };
  const entry: CommandEntry = { ...base, agent_name: row.agent_name, session_id: row.session_id, command: row.command };
  return withOptional(entry, { context_type: row.context_type, metadata: row.metadata });
}

/** The context entry of a stored row. */
export function contextEntry(row: ContextRow): ContextEntry {
  const base = { type: 'context' as const, id: row.id, timestamp: row.timestamp, seq: row.seq, conversation_id: row.conversation_id };
  return withOptional<ContextEntry>({ ...base, role: row.role, content: row.content }, { name: row.name, model: row.model, metadata: row.metadata });
}

/** The conversation_start entry of an explicitly started conversation row. */
export function conversationStartEntry(row: ConversationRow): ConversationStartEntry {
  return {
    type: 'conversation_start',
    id: row.start_id ?? row.conversation_id,
    timestamp: row.start_time,
    seq: row.seq ?? 0,
    conversation_id: row.conversation_id,
    agent_name: row.agent_name ?? '',
  };
}

/** The rows one batch writes, grouped by table. */
export interface BatchRows {
  /** Conversation rows to upsert: explicit starts replace, implicit ones only fill gaps. */
  starts: Insert<'conversations'>[];
  implicit: Insert<'conversations'>[];
  messages: Insert<'messages'>[];
  toolCalls: Insert<'toolCalls'>[];
  commands: Insert<'commands'>[];
  context: Insert<'context'>[];
}

/**
 * Groups a batch into rows, with one conversation change per conversation; the batch's entries
 * are numbered `last + 1`… in order (their `seq`, the store's order). This has the effect
 * of applying the records one by one by the rules of `Conversations` (src/core/conversations.ts):
 * the latest conversation_start of the batch decides a started conversation; otherwise the
 * first record's agent creates the row and the earliest timestamp is its start time.
 */
export function batchRows(batch: readonly LogRecord[], last: number): BatchRows {
  const rows: BatchRows = { starts: [], implicit: [], messages: [], toolCalls: [], commands: [], context: [] };
  const starts = new Map<string, Insert<'conversations'>>();
  const implicit = new Map<string, Insert<'conversations'>>();
  // An implicit conversation's seq is that of the entry that gave it its start time: the
  // store's order breaks ties between conversations that started at the same time.
  const touch = (entry: Entry & { conversation_id: string }, agent: string | null, seq: number) => {
    const known = implicit.get(entry.conversation_id);
    if (!known) implicit.set(entry.conversation_id, { conversation_id: entry.conversation_id, agent_name: agent, start_time: entry.timestamp, started: false, seq });
    else if (entry.timestamp < known.start_time) Object.assign(known, { start_time: entry.timestamp, seq });
  };
  for (let i = 0; i < batch.length; i++) {
    const { entry, agent } = batch[i]!;
    const seq = last + i + 1;
    switch (entry.type) {
      case 'conversation_start':
        if ((starts.get(entry.conversation_id)?.start_time ?? '') > entry.timestamp) break;
        starts.set(entry.conversation_id, {
          conversation_id: entry.conversation_id,
          agent_name: entry.agent_name,
          start_time: entry.timestamp,
          started: true,
          start_id: entry.id,
          seq,
        });
        break;
      case 'message':
        touch(entry, agent, seq);
        rows.messages.push(messageRow(entry, seq));
        break;
      case 'tool_call':
        touch(entry, agent, seq);
        rows.toolCalls.push(toolCallRow(entry, seq));
        break;
      case 'context':
        touch(entry, agent, seq);
        rows.context.push(contextRow(entry, seq));
        break;
      case 'command':
        rows.commands.push(commandRow(entry, seq));
        break;
    }
  }
  rows.starts = [...starts.values()];
  rows.implicit = [...implicit.values()].filter((row) => !starts.has(row.conversation_id));
  return rows;
}
