import { bigint, boolean, customType, double, index, int, longtext, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';

// The same tables as ./sqlite.ts for MySQL and MariaDB. Every table is utf8mb4 with a binary,
// NO PAD collation (see mysql/dialect.ts): ids compare byte for byte, trailing spaces included,
// and every Unicode plane round-trips. MySQL indexes TEXT only by a prefix, so the columns that
// are indexed (ids, agent names, models, timestamps) are `varchar`; the others are `longtext`.
// JSON values are `longtext` holding JSON as logged (MySQL's JSON type would reorder keys).

/** Indexed text: 255 characters × 4 bytes, so every composite index stays within InnoDB's 3072 bytes. */
const key = (name: string) => varchar(name, { length: 255 });
/** An ISO-8601 timestamp (24 characters; extended years take 27). */
const time = (name: string) => varchar(name, { length: 32 });

/** A `longtext` column holding a JSON value, stored as the text `JSON.stringify` gives. */
const json = customType<{ data: unknown; driverData: string }>({
  dataType: () => 'longtext',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
});

/** Conversations: one row per conversation_id, explicit (`started`) or implied by its first entry. */
export const conversations = mysqlTable(
  'conversations',
  {
    conversation_id: key('conversation_id').primaryKey(),
    agent_name: key('agent_name'),
    start_time: time('start_time').notNull(),
    started: boolean('started').notNull().default(false),
    /** The `id` of the conversation_start entry, when one was logged. */
    start_id: key('start_id'),
    seq: double('seq'),
  },
  // Both end in conversation_id: the list is ordered by (start_time, conversation_id) newest first.
  (t) => [
    index('conversations_agent_start_idx').on(t.agent_name, t.start_time, t.conversation_id),
    index('conversations_start_idx').on(t.start_time, t.conversation_id),
  ],
);

/** Messages, with token usage split into columns so stats aggregate in SQL. */
export const messages = mysqlTable(
  'messages',
  {
    id: key('id').primaryKey(),
    conversation_id: key('conversation_id').notNull(),
    message_id: key('message_id'),
    timestamp: time('timestamp').notNull(),
    seq: double('seq').notNull().default(0),
    role: longtext('role').notNull(),
    content: longtext('content').notNull(),
    name: longtext('name'),
    model: key('model'),
    model_provider: longtext('model_provider'),
    model_name: longtext('model_name'),
    total_tokens: int('total_tokens'),
    prompt_tokens: int('prompt_tokens'),
    completion_tokens: int('completion_tokens'),
    cache_read_tokens: int('cache_read_tokens'),
    cache_write_tokens: int('cache_write_tokens'),
    reasoning_tokens: int('reasoning_tokens'),
    cost: double('cost'),
    response_time: double('response_time'),
    finish_reason: key('finish_reason'),
    response_id: key('response_id'),
    reasoning: longtext('reasoning'),
    forwarded_from: json('forwarded_from').$type<string[]>(),
    /** The conversation's agent, kept in step with it at write time: stats by agent read no other table. */
    agent_name: key('agent_name'),
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
export const toolCalls = mysqlTable(
  'tool_calls',
  {
    id: key('id').primaryKey(),
    conversation_id: key('conversation_id').notNull(),
    message_id: longtext('message_id').notNull(),
    tool_call_id: key('tool_call_id'),
    timestamp: time('timestamp').notNull(),
    seq: double('seq').notNull().default(0),
    tool_name: longtext('tool_name').notNull(),
    args: json('args').$type<Record<string, unknown>>().notNull(),
    result: json('result'),
  },
  (t) => [
    index('tool_calls_conversation_idx').on(t.conversation_id, t.timestamp, t.seq),
    index('tool_calls_timestamp_idx').on(t.timestamp, t.seq),
    // A tool call logged again with its tool_call_id completes the first (docs/entries.md): one row per call.
    uniqueIndex('tool_calls_call_id_idx').on(t.conversation_id, t.tool_call_id),
  ],
);

/** Commands agents ran, by agent and by session. */
export const commands = mysqlTable(
  'commands',
  {
    id: key('id').primaryKey(),
    agent_name: key('agent_name').notNull(),
    session_id: key('session_id').notNull(),
    timestamp: time('timestamp').notNull(),
    seq: double('seq').notNull().default(0),
    command: longtext('command').notNull(),
    context_type: longtext('context_type'),
    metadata: json('metadata').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('commands_agent_idx').on(t.agent_name, t.timestamp),
    index('commands_session_idx').on(t.session_id, t.timestamp),
    index('commands_timestamp_idx').on(t.timestamp, t.seq),
  ],
);

/** Context additions (system prompts, retrieved documents). */
export const context = mysqlTable(
  'context',
  {
    id: key('id').primaryKey(),
    conversation_id: key('conversation_id').notNull(),
    timestamp: time('timestamp').notNull(),
    seq: double('seq').notNull().default(0),
    role: longtext('role').notNull(),
    content: longtext('content').notNull(),
    name: longtext('name'),
    model: longtext('model'),
    metadata: json('metadata').$type<Record<string, unknown>>(),
  },
  (t) => [index('context_conversation_idx').on(t.conversation_id, t.timestamp, t.seq), index('context_timestamp_idx').on(t.timestamp, t.seq)],
);

/** Run-log facts (docs/runs.md): the columns queries select on, and the rest of the fact as JSON. */
export const runEvents = mysqlTable(
  'run_events',
  {
    id: key('id').primaryKey(),
    session_id: key('session_id').notNull(),
    run_id: key('run_id').notNull(),
    agent_name: key('agent_name').notNull(),
    kind: key('kind').notNull(),
    sequence: int('sequence').notNull(),
    timestamp: time('timestamp').notNull(),
    seq: double('seq').notNull().default(0),
    payload: json('payload').$type<Record<string, unknown>>().notNull(),
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
export const runs = mysqlTable(
  'runs',
  {
    run_id: key('run_id').primaryKey(),
    session_id: key('session_id').notNull(),
    agent_name: key('agent_name').notNull(),
    started_at: time('started_at').notNull(),
    status: key('status').notNull(),
    end_sequence: int('end_sequence'),
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
export const messageTotals = mysqlTable(
  'message_totals',
  {
    agent_name: key('agent_name').notNull(),
    model: key('model').notNull(),
    hour: time('hour').notNull(),
    messages: bigint('messages', { mode: 'number' }).notNull(),
    total_tokens: bigint('total_tokens', { mode: 'number' }).notNull(),
    prompt_tokens: bigint('prompt_tokens', { mode: 'number' }).notNull(),
    completion_tokens: bigint('completion_tokens', { mode: 'number' }).notNull(),
    cache_read_tokens: bigint('cache_read_tokens', { mode: 'number' }).notNull().default(0),
    cache_write_tokens: bigint('cache_write_tokens', { mode: 'number' }).notNull().default(0),
    reasoning_tokens: bigint('reasoning_tokens', { mode: 'number' }).notNull().default(0),
    cost: double('cost').notNull(),
  },
  (t) => [uniqueIndex('message_totals_key_idx').on(t.hour, t.agent_name, t.model)],
);

/** Key/value facts about the database itself, such as `schema_version`. */
export const meta = mysqlTable('historian_meta', {
  key: key('key').primaryKey(),
  value: longtext('value').notNull(),
});

/** Every historian table of the MySQL schema, in creation order. */
export const mysqlTables = { conversations, messages, toolCalls, commands, context, runEvents, runs, messageTotals, meta };
