import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Timestamps are ISO-8601 UTC text with milliseconds (`2026-11-23T14:00:00.000Z`) in both
// dialects: fixed width, so text order is time order, and they round-trip byte for byte.
// JSON values are text holding JSON (args, result, metadata, forwarded_from).

/** Conversations: one row per conversation_id, explicit (`started`) or implied by its first entry. */
export const conversations = sqliteTable(
  'conversations',
  {
    conversation_id: text('conversation_id').primaryKey(),
    agent_name: text('agent_name'),
    start_time: text('start_time').notNull(),
    started: integer('started', { mode: 'boolean' }).notNull().default(false),
    /** The `id` of the conversation_start entry, when one was logged. */
    start_id: text('start_id'),
    seq: real('seq'),
  },
  // Both end in conversation_id: the list is ordered by (start_time, conversation_id) newest first.
  (t) => [
    index('conversations_agent_start_idx').on(t.agent_name, t.start_time, t.conversation_id),
    index('conversations_start_idx').on(t.start_time, t.conversation_id),
  ],
);

/** Messages, with token usage split into columns so stats aggregate in SQL. */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversation_id: text('conversation_id').notNull(),
    message_id: text('message_id'),
    timestamp: text('timestamp').notNull(),
    seq: real('seq').notNull().default(0),
    role: text('role').notNull(),
    content: text('content').notNull(),
    name: text('name'),
    model: text('model'),
    model_provider: text('model_provider'),
    model_name: text('model_name'),
    total_tokens: integer('total_tokens'),
    prompt_tokens: integer('prompt_tokens'),
    completion_tokens: integer('completion_tokens'),
    cache_read_tokens: integer('cache_read_tokens'),
    cache_write_tokens: integer('cache_write_tokens'),
    reasoning_tokens: integer('reasoning_tokens'),
    cost: real('cost'),
    response_time: real('response_time'),
    finish_reason: text('finish_reason'),
    response_id: text('response_id'),
    reasoning: text('reasoning'),
    forwarded_from: text('forwarded_from', { mode: 'json' }).$type<string[]>(),
    /** The conversation's agent, kept in step with it at write time: stats by agent read no other table. */
    agent_name: text('agent_name'),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversation_id, t.timestamp, t.seq),
    index('messages_timestamp_idx').on(t.timestamp, t.seq),
    // Covering for stats by model: the sums are read from the index, never from the table.
    // A message logged again in its conversation with its message_id is stored (and counted)
    // once. Per conversation: a provider's response ids need not be unique beyond one.
    uniqueIndex('messages_message_id_idx').on(t.conversation_id, t.message_id),
    index('messages_model_idx').on(t.model, t.timestamp, t.total_tokens, t.prompt_tokens, t.completion_tokens, t.cost),
  ],
);

/** Tool calls, with their arguments and result as JSON. */
export const toolCalls = sqliteTable(
  'tool_calls',
  {
    id: text('id').primaryKey(),
    conversation_id: text('conversation_id').notNull(),
    message_id: text('message_id').notNull(),
    tool_call_id: text('tool_call_id'),
    timestamp: text('timestamp').notNull(),
    seq: real('seq').notNull().default(0),
    tool_name: text('tool_name').notNull(),
    args: text('args', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    result: text('result', { mode: 'json' }),
  },
  (t) => [
    index('tool_calls_conversation_idx').on(t.conversation_id, t.timestamp, t.seq),
    index('tool_calls_timestamp_idx').on(t.timestamp, t.seq),
    // A tool call logged again with its tool_call_id completes the first (docs/entries.md): one row per call.
    uniqueIndex('tool_calls_call_id_idx').on(t.conversation_id, t.tool_call_id),
  ],
);

/** Commands agents ran, by agent and by session. */
export const commands = sqliteTable(
  'commands',
  {
    id: text('id').primaryKey(),
    agent_name: text('agent_name').notNull(),
    session_id: text('session_id').notNull(),
    timestamp: text('timestamp').notNull(),
    seq: real('seq').notNull().default(0),
    command: text('command').notNull(),
    context_type: text('context_type'),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index('commands_agent_idx').on(t.agent_name, t.timestamp),
    index('commands_session_idx').on(t.session_id, t.timestamp),
    index('commands_timestamp_idx').on(t.timestamp, t.seq),
  ],
);

/** Context additions (system prompts, retrieved documents). */
export const context = sqliteTable(
  'context',
  {
    id: text('id').primaryKey(),
    conversation_id: text('conversation_id').notNull(),
    timestamp: text('timestamp').notNull(),
    seq: real('seq').notNull().default(0),
    role: text('role').notNull(),
    content: text('content').notNull(),
    name: text('name'),
    model: text('model'),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('context_conversation_idx').on(t.conversation_id, t.timestamp, t.seq), index('context_timestamp_idx').on(t.timestamp, t.seq)],
);

/**
 * Run-log facts (docs/runs.md), append-only: the columns queries select on, and the rest of the
 * fact as JSON. `sequence` is allocated inside the write transaction (see run-events.ts).
 */
export const runEvents = sqliteTable(
  'run_events',
  {
    id: text('id').primaryKey(),
    session_id: text('session_id').notNull(),
    run_id: text('run_id').notNull(),
    agent_name: text('agent_name').notNull(),
    kind: text('kind').notNull(),
    sequence: integer('sequence').notNull(),
    timestamp: text('timestamp').notNull(),
    seq: real('seq').notNull().default(0),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    // A session's sequence numbers are unique: a fact whose number is taken is refused.
    uniqueIndex('run_events_sequence_idx').on(t.session_id, t.sequence),
    index('run_events_run_idx').on(t.run_id, t.sequence),
    index('run_events_agent_idx').on(t.agent_name, t.timestamp),
    index('run_events_kind_idx').on(t.kind, t.timestamp),
    index('run_events_timestamp_idx').on(t.timestamp, t.seq),
  ],
);

/**
 * One row per run, kept in step with its facts at write time, so the run list pages by an index
 * instead of grouping every fact: the run's first fact's session and agent, its start (the
 * earliest fact), and the status its latest run_finished / run_failed gives (with that fact's
 * sequence, so a later one can still decide).
 */
export const runs = sqliteTable(
  'runs',
  {
    run_id: text('run_id').primaryKey(),
    session_id: text('session_id').notNull(),
    agent_name: text('agent_name').notNull(),
    started_at: text('started_at').notNull(),
    status: text('status').notNull(),
    end_sequence: integer('end_sequence'),
  },
  (t) => [
    index('runs_start_idx').on(t.started_at, t.run_id),
    index('runs_agent_idx').on(t.agent_name, t.started_at, t.run_id),
    index('runs_session_idx').on(t.session_id, t.started_at, t.run_id),
    index('runs_status_idx').on(t.status, t.started_at, t.run_id),
  ],
);

/**
 * Message counts, tokens and cost per agent, model and hour, kept in step with the messages at
 * write time, so stats read a row per group and hour instead of every message. An absent agent
 * or model is '' here (names are never empty); the hour is `2026-11-23T14`.
 */
export const messageTotals = sqliteTable(
  'message_totals',
  {
    agent_name: text('agent_name').notNull(),
    model: text('model').notNull(),
    hour: text('hour').notNull(),
    messages: integer('messages').notNull(),
    total_tokens: integer('total_tokens').notNull(),
    prompt_tokens: integer('prompt_tokens').notNull(),
    completion_tokens: integer('completion_tokens').notNull(),
    cache_read_tokens: integer('cache_read_tokens').notNull().default(0),
    cache_write_tokens: integer('cache_write_tokens').notNull().default(0),
    reasoning_tokens: integer('reasoning_tokens').notNull().default(0),
    cost: real('cost').notNull(),
  },
  (t) => [uniqueIndex('message_totals_key_idx').on(t.hour, t.agent_name, t.model)],
);

/** Key/value facts about the database itself, such as `schema_version`. */
export const meta = sqliteTable('historian_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Every historian table of the SQLite schema, in creation order (the keys are shared by every family). */
export const sqliteTables = { conversations, messages, toolCalls, commands, context, runEvents, runs, messageTotals, meta };
