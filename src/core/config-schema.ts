import { z } from 'zod';
import { fieldPathProblem, patternProblem, REDACT_PRESETS, type RedactPreset } from './redact.js';
import { unknownKeyMessage } from './suggest.js';
import { ENCODING_NAMES, encodingPattern, normaliseEncoding } from './encodings.js';

// The shapes every part of the manifest shares: the storage block's own settings, and the
// fields every provider has whatever its type. Each provider type adds its own fields
// (src/providers/<type>/); config/ joins them into the whole `storage:` schema.

/** The logging flags, each ANDed between the storage block and a provider (docs/manifest.md, Flags). */
export const FLAG_NAMES = ['log_messages', 'log_conversations', 'log_tool_calls', 'log_commands', 'log_context', 'log_runs'] as const;
/** One of the logging flags. */
export type FlagName = (typeof FLAG_NAMES)[number];

/** An object schema that rejects unknown keys, suggesting the closest known one. */
export function strict<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key: string) => unknownKeyMessage(key, allowed)).join('\n') : undefined,
  });
}

const flagFields = Object.fromEntries(
  FLAG_NAMES.map((flag) => [flag, z.boolean().optional().describe(`Log this kind of entry (ANDed with the global flag); default true`)]),
) as Record<FlagName, z.ZodOptional<z.ZodBoolean>>;

const agentList = z
  .array(z.string().min(1))
  .nullable()
  .optional()
  .describe('Agent names this applies to; null or absent = every agent, [] = nobody');

/** The fields every provider has: a name, its agent filter and its logging flags. */
export const commonProviderFields = {
  name: z.string().min(1).optional().describe('Unique name, so default_provider can pick one of two providers of one type'),
  agents: agentList,
  ...flagFields,
};

/** What every provider config holds, whatever its type. */
export type CommonProviderConfig = z.output<z.ZodObject<typeof commonProviderFields>> & { type: string };

const UNKNOWN_ENCODING = `expected an encoding: ${ENCODING_NAMES.join(', ')} (any case, with or without dashes)`;

/** The `encoding` of a provider that writes files, in any usual spelling, brought to the Node BufferEncoding. */
export const encodingField = z
  .string()
  .regex(new RegExp(encodingPattern()), { error: (issue) => `unknown encoding ${JSON.stringify(issue.input)}; ${UNKNOWN_ENCODING}` })
  .transform((spelling) => normaliseEncoding(spelling)!)
  .default('utf-8')
  .describe(`Text encoding of the file: ${ENCODING_NAMES.join(', ')}, any case, with or without dashes`);

/** A required `path` of a provider that writes files. */
export const pathField = z.string().min(1, 'expected a non-empty path');

const pricePerMillion = z.number().nonnegative();

/** Prices of one model in USD per million tokens; cache prices default to the input price. */
export const modelPriceSchema = strict({
  input: pricePerMillion.describe('USD per million input (prompt) tokens not read from or written to the cache'),
  output: pricePerMillion.describe('USD per million output (completion) tokens'),
  cache_read: pricePerMillion.optional().describe('USD per million tokens read from the prompt cache; default: the input price'),
  cache_write: pricePerMillion.optional().describe('USD per million tokens written to the prompt cache; default: the input price'),
});

/** `storage.pricing`: per model, what tokens cost, for LLM calls whose runtime gave no cost (docs/runs.md). */
export const pricingSchema = z
  .record(z.string().min(1), modelPriceSchema)
  .describe('Per model name (e.g. openai/gpt-4o): USD per million tokens, used where an LLM call carries no total_cost');

/** Validated `storage.pricing`: model name → prices. */
export type Pricing = z.output<typeof pricingSchema>;
/** The prices of one model. */
export type ModelPrice = z.output<typeof modelPriceSchema>;

/** A string list whose every item must pass `problem` (null = fine). */
function checkedList(problem: (item: string) => string | null) {
  return z.array(
    z
      .string()
      .min(1)
      .superRefine((item, ctx) => {
        const found = problem(item);
        if (found) ctx.addIssue({ code: 'custom', message: found });
      }),
  );
}

/** `storage.redact`: what to mask in every entry once, before any provider sees it. */
export const redactSchema = strict({
  presets: z
    .array(z.enum(Object.keys(REDACT_PRESETS) as [RedactPreset, ...RedactPreset[]]))
    .default([])
    .describe(`Built-in patterns: ${Object.keys(REDACT_PRESETS).join(', ')}`),
  patterns: checkedList(patternProblem).default([]).describe('Regular expressions (JavaScript syntax); every match in text is replaced'),
  fields: checkedList(fieldPathProblem)
    .default([])
    .describe('Field paths whose whole value is replaced, e.g. args.password, metadata.*.token, **.api_key'),
  replacement: z.string().default('[REDACTED]').describe('What a redacted value or match becomes'),
});

/** The settings of the `storage:` block besides its providers (docs/manifest.md). */
export const storageFields = {
  agents: agentList,
  filter_mode: z.enum(['and', 'override']).default('and'),
  default_provider: z.string().min(1).nullable().optional().describe('Provider name or type used to read history'),
  pricing: pricingSchema.optional(),
  redact: redactSchema.optional().describe('Mask secrets and personal data in every entry before any provider stores it'),
  ...flagFields,
};

/** The validated settings of the storage block (everything but `providers`). */
export type StorageSettings = z.output<z.ZodObject<typeof storageFields>>;
