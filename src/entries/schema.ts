import { z } from 'zod';

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
  .transform((usage) => ({ ...usage, total: usage.total ?? usage.prompt + usage.completion }));

/** Usage and cost of one LLM response (SPEC §2). */
export const costInfoSchema = z.strictObject({
  token_usage: tokenUsageSchema,
  total_cost: z.number().nonnegative().optional(),
});

/** Fields every entry may carry; `id`, `timestamp` and `seq` are stamped at log time when absent. */
const stampFields = {
  id: text.optional(),
  timestamp: z
    .union([z.iso.datetime({ offset: true }), z.date()])
    .transform((value) => new Date(value).toISOString())
    .optional(),
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

/** Every entry kind, discriminated on `type`. */
export const entrySchema = z.discriminatedUnion('type', [
  messageSchema,
  conversationStartSchema,
  toolCallSchema,
  commandSchema,
  contextSchema,
]);

/** The fields stamped on every logged entry. */
interface Stamped {
  id: string;
  timestamp: string;
  seq: number;
}

type Output<S extends z.ZodType> = Omit<z.output<S>, keyof Stamped> & Stamped;

/** A logged message (SPEC §2). */
export type MessageEntry = Output<typeof messageSchema>;
/** A logged conversation start. */
export type ConversationStartEntry = Output<typeof conversationStartSchema>;
/** A logged tool call. */
export type ToolCallEntry = Output<typeof toolCallSchema>;
/** A logged command. */
export type CommandEntry = Output<typeof commandSchema>;
/** A logged context addition. */
export type ContextEntry = Output<typeof contextSchema>;
/** Any logged entry, stamped with `id`, `timestamp` and `seq`. */
export type Entry = MessageEntry | ConversationStartEntry | ToolCallEntry | CommandEntry | ContextEntry;
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
