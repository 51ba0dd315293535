import { z } from 'zod';
import { EntryError } from './errors.js';
import { timestampField } from './timestamps.js';

const count = z.number().int().nonnegative();
const text = z.string().min(1);

/** Token counts of one LLM response. `total` defaults to prompt + completion. */
export const tokenUsageSchema = z
  .strictObject({
    total: count.optional(),
    prompt: count,
    completion: count,
    cache_read: count.optional(),
    cache_write: count.optional(),
    reasoning: count.optional(),
  })
  .transform((usage) => {
    // A copy then a set, not `{ ...usage, total }`: that spread measured 10-40× slower on Node 20.
    const withTotal = Object.assign({}, usage);
    withTotal.total = usage.total ?? usage.prompt + usage.completion;
    return withTotal as typeof usage & { total: number };
  });

/**
 * Usage and cost of one LLM response (docs/entries.md). Either may be missing: a response can report no
 * usage while the caller still knows what it cost, and no usage is never stored as zero tokens.
 */
export const costInfoSchema = z
  .strictObject({
    token_usage: tokenUsageSchema.optional(),
    total_cost: z.number().nonnegative().optional(),
  })
  // A transform rather than a refine, which the fast parser (fast-parse.ts) would hand to zod every time.
  .transform((info, ctx) => {
    if (info.token_usage === undefined && info.total_cost === undefined) {
      ctx.issues.push({ code: 'custom', message: 'cost_info needs token_usage or total_cost', input: info });
    }
    return info;
  });

/** Fields every entry may carry; `id`, `timestamp` and `seq` are stamped at log time when absent. */
const stampFields = {
  id: text.optional(),
  timestamp: timestampField.optional(),
  seq: z.number().optional(),
};

const jsonObject = z.record(z.string(), z.unknown());

export const messageSchema = z.strictObject({
  type: z.literal('message'),
  ...stampFields,
  conversation_id: text,
  message_id: text.optional(),
  content: z.string(),
  role: text,
  name: text.optional(),
  model: text.optional(),
  cost_info: costInfoSchema.optional(),
  response_time: z.number().nonnegative().optional(),
  /** Why the model stopped, as its SDK says it (`stop`, `length`, `max_tokens`, `tool_calls`…). */
  finish_reason: text.optional(),
  /** The provider's id of the response, when `message_id` is the caller's own. */
  response_id: text.optional(),
  /** The model's reasoning / thinking text; adapters fill it only when asked (it can be large and private). */
  reasoning: z.string().optional(),
  forwarded_from: z.array(text).optional(),
});

export const conversationStartSchema = z.strictObject({
  type: z.literal('conversation_start'),
  ...stampFields,
  conversation_id: text,
  agent_name: text,
});

export const toolCallSchema = z.strictObject({
  type: z.literal('tool_call'),
  ...stampFields,
  conversation_id: text,
  message_id: text,
  tool_call_id: text.optional(),
  tool_name: text,
  args: jsonObject,
  result: z.unknown(),
});

export const commandSchema = z.strictObject({
  type: z.literal('command'),
  ...stampFields,
  agent_name: text,
  session_id: text,
  command: text,
  context_type: text.optional(),
  metadata: jsonObject.optional(),
});

export const contextSchema = z.strictObject({
  type: z.literal('context'),
  ...stampFields,
  conversation_id: text,
  content: z.string(),
  role: text,
  name: text.optional(),
  model: text.optional(),
  metadata: jsonObject.optional(),
});

const milliseconds = z.number().nonnegative();

/**
 * Fields of every run-log fact (docs/runs.md). `sequence` numbers a session's facts 1, 2, 3…; it is
 * allocated by each readable provider when it stores the fact (in the database for sql), and a
 * given one is kept, so facts copied between providers keep their numbers.
 */
const factFields = {
  ...stampFields,
  session_id: text,
  run_id: text,
  agent_name: text,
  sequence: z.number().int().positive().optional(),
};

/** A run began with the user's input; `parent_run_id` links a sub-agent's run to its caller's. */
export const runStartedSchema = z.strictObject({
  type: z.literal('run_started'),
  ...factFields,
  user_input: z.string(),
  parent_run_id: text.optional(),
});

/** A run ended with a response. */
export const runFinishedSchema = z.strictObject({
  type: z.literal('run_finished'),
  ...factFields,
  response: z.string(),
  termination_reason: text.optional(),
  metrics: jsonObject.optional(),
});

/** A run ended with an error. */
export const runFailedSchema = z.strictObject({
  type: z.literal('run_failed'),
  ...factFields,
  error: z.string(),
});

/**
 * An LLM call was sent; `call_id` pairs it with its `llm_call_completed`. Without one, a
 * completion pairs with the oldest call of its run that was sent without one and is still open.
 */
export const llmCallStartedSchema = z.strictObject({
  type: z.literal('llm_call_started'),
  ...factFields,
  call_id: text.optional(),
  model: text,
  message_count: count.optional(),
  messages_preview: z.string().optional(),
});

/** An LLM call returned (or failed, with `error`); usage in a message's `cost_info` shape (docs/entries.md). */
export const llmCallCompletedSchema = z.strictObject({
  type: z.literal('llm_call_completed'),
  ...factFields,
  call_id: text.optional(),
  model: text,
  content_preview: z.string().optional(),
  tool_calls: z.array(jsonObject).optional(),
  finish_reason: text.optional(),
  cost_info: costInfoSchema.optional(),
  first_token_ms: milliseconds.optional(),
  duration_ms: milliseconds.optional(),
  error: z.string().optional(),
});

/** The runtime decided to stop the run, and who decided (`source`: model, max_steps, user…). */
export const terminationDecidedSchema = z.strictObject({
  type: z.literal('termination_decided'),
  ...factFields,
  reason: text,
  source: text,
});

/** A tool call of a run began: the start of a tool span in the run's trace. */
export const toolCallStartedSchema = z.strictObject({
  type: z.literal('tool_call_started'),
  ...factFields,
  call_id: text,
  tool_name: text,
  args: jsonObject.optional(),
});

/** A tool call of a run ended, with its result or error. */
export const toolCallCompletedSchema = z.strictObject({
  type: z.literal('tool_call_completed'),
  ...factFields,
  call_id: text,
  tool_name: text,
  result: z.unknown().optional(),
  error: z.string().optional(),
  duration_ms: milliseconds.optional(),
});

/**
 * A correction: the session's facts numbered `from_sequence`…`to_sequence` (inclusive) no longer
 * count as steps. Facts are never updated or deleted; a rollback is itself a new fact.
 */
export const runRolledBackSchema = z
  .strictObject({
    type: z.literal('run_rolled_back'),
    ...factFields,
    from_sequence: z.number().int().positive(),
    to_sequence: z.number().int().positive(),
    reason: z.string().optional(),
  })
  .refine((fact) => fact.to_sequence >= fact.from_sequence, { path: ['to_sequence'], message: 'must be ≥ from_sequence' });

/** Every run-log fact kind. */
export const runFactSchemas = [
  runStartedSchema,
  runFinishedSchema,
  runFailedSchema,
  llmCallStartedSchema,
  llmCallCompletedSchema,
  terminationDecidedSchema,
  toolCallStartedSchema,
  toolCallCompletedSchema,
  runRolledBackSchema,
] as const;

/** Every entry kind, discriminated on `type`. */
export const entrySchema = z.discriminatedUnion('type', [
  messageSchema,
  conversationStartSchema,
  toolCallSchema,
  commandSchema,
  contextSchema,
  ...runFactSchemas,
]);

/** The fields stamped on every logged entry. */
interface Stamped {
  id: string;
  timestamp: string;
  seq: number;
}

type Output<S extends z.ZodType> = Omit<z.output<S>, keyof Stamped> & Stamped;
/** `Output` of each schema of a union of schemas (a plain `Omit` would merge the union). */
type EachOutput<S> = S extends z.ZodType ? Output<S> : never;

/** A logged message (docs/entries.md). */
export type MessageEntry = Output<typeof messageSchema>;
/** A logged conversation start. */
export type ConversationStartEntry = Output<typeof conversationStartSchema>;
/** A logged tool call. */
export type ToolCallEntry = Output<typeof toolCallSchema>;
/** A logged command. */
export type CommandEntry = Output<typeof commandSchema>;
/** A logged context addition. */
export type ContextEntry = Output<typeof contextSchema>;
/** A run-log fact as logged; `sequence` is set once a readable provider has stored it. */
export type RunFact = EachOutput<(typeof runFactSchemas)[number]>;
/** The kind of a run-log fact. */
export type RunFactType = RunFact['type'];
/** One kind of run-log fact. */
export type RunFactOf<T extends RunFactType> = Extract<RunFact, { type: T }>;
/**
 * The key that makes a message one: its `message_id` (its id when it has none) within its
 * conversation. Logged again under the same key, it is stored and counted once.
 */
export function messageKey(conversation: string, messageId: string): string {
  return `${conversation}\u0000${messageId}`;
}

/**
 * The key that makes a tool call one: its `tool_call_id` within its conversation. A call logged
 * again under the same key completes the first (see `completedResult`).
 */
export function toolCallKey(conversation: string, toolCallId: string): string {
  return `${conversation}\u0000${toolCallId}`;
}

/** The result of a tool call that a later one completes: its own, else the later one's. */
export function completedResult(first: unknown, later: unknown): unknown {
  return first === undefined || first === null ? later : first;
}

/**
 * The error of a run fact whose `(session_id, sequence)` a store already holds:
 * the first fact keeps the number, this one is rejected.
 */
export function sequenceTaken(fact: { session_id: string; sequence?: number | undefined }): EntryError {
  return new EntryError(`session ${fact.session_id} already has a fact numbered ${fact.sequence}: sequence is taken`, 'sequence');
}

/** Any logged entry, stamped with `id`, `timestamp` and `seq`. */
export type Entry = MessageEntry | ConversationStartEntry | ToolCallEntry | CommandEntry | ContextEntry | RunFact;
/** The `type` of an entry. */
export type EntryType = Entry['type'];
/** What callers pass to `log()`: an entry whose `id`, `timestamp` and `seq` may be left out. */
export type EntryInput = z.input<typeof entrySchema>;
/** Token usage after validation (`total` filled in). */
export type TokenUsage = z.output<typeof tokenUsageSchema>;
/** Cost info after validation. */
export type CostInfo = z.output<typeof costInfoSchema>;

/** Every entry type, in a fixed order used by stores and documents. */
export const ENTRY_TYPES = entrySchema.options.map((option) => option.shape.type.value) as EntryType[];

/** Every run-log fact type. */
export const RUN_FACT_TYPES = runFactSchemas.map((option) => option.shape.type.value) as RunFactType[];

const runFactTypes: ReadonlySet<string> = new Set(RUN_FACT_TYPES);

/** Whether an entry is a run-log fact (docs/runs.md) rather than a conversation entry. */
export function isRunFact(entry: Entry): entry is RunFact {
  return runFactTypes.has(entry.type);
}
