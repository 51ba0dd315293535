import type { ContextEntry, EntryType, MessageEntry, ToolCallEntry } from '../core/entries.js';
import type { Conversation } from '../core/queries.js';
import { byLogOrder } from '../store/store.js';
import type { History } from './history.js';

/** A message with the tool calls it made and the context added after it. */
export interface DetailedMessage extends MessageEntry {
  tool_calls?: ToolCallEntry[];
  context?: ContextEntry[];
}

/** A conversation whose messages carry their tool calls and context; `context` holds what came before its first listed message. */
export interface DetailedConversation extends Conversation {
  messages: DetailedMessage[];
  context?: ContextEntry[];
}

/** Which details to add. */
export interface DetailOptions {
  tools?: boolean;
  context?: boolean;
}

/**
 * Adds to each listed message its tool calls (by `message_id`, the message's `id` or its
 * provider `message_id`) and the context added after it (up to the next listed message), read
 * for the whole page in one query of the reader. Tool calls of messages not listed (a `query`
 * filter, `compact`) are left out.
 */
export async function withDetails(history: History, conversations: Conversation[], options: DetailOptions): Promise<DetailedConversation[]> {
  const types: EntryType[] = [...(options.tools ? (['tool_call'] as const) : []), ...(options.context ? (['context'] as const) : [])];
  if (types.length === 0 || conversations.length === 0) return conversations;
  const found = new Map<string, (ToolCallEntry | ContextEntry)[]>();
  for await (const entry of history.entries({ conversations: conversations.map((c) => c.conversation_id), types })) {
    if (entry.type !== 'tool_call' && entry.type !== 'context') continue;
    const list = found.get(entry.conversation_id);
    if (list) list.push(entry);
    else found.set(entry.conversation_id, [entry]);
  }
  return conversations.map((c) => attach(c, found.get(c.conversation_id) ?? [], options));
}

function attach(conversation: Conversation, details: (ToolCallEntry | ContextEntry)[], options: DetailOptions): DetailedConversation {
  const messages: DetailedMessage[] = conversation.messages.map((m) => ({
    ...m,
    ...(options.tools ? { tool_calls: [] } : {}),
    ...(options.context ? { context: [] } : {}),
  }));
  const byId = new Map<string, DetailedMessage>();
  for (const m of messages) {
    if (m.message_id !== undefined && !byId.has(m.message_id)) byId.set(m.message_id, m);
    byId.set(m.id, m);
  }
  const before: ContextEntry[] = [];
  const ordered = [...messages].sort(byLogOrder);
  let at = -1;
  for (const entry of details) {
    if (entry.type === 'tool_call') {
      byId.get(entry.message_id)?.tool_calls!.push(entry);
      continue;
    }
    // The last listed message logged before this context (details come in logging order).
    while (at + 1 < ordered.length && byLogOrder(ordered[at + 1]!, entry) <= 0) at += 1;
    if (at >= 0) ordered[at]!.context!.push(entry);
    else before.push(entry);
  }
  return { ...conversation, messages, ...(options.context ? { context: before } : {}) };
}
