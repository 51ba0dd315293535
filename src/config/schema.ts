import { z } from 'zod';
import { BINARY_ENCODINGS, FILE_FORMATS, formatOfPath, unknownExtensionMessage } from '../formats/formats.js';
import { fieldPathProblem, patternProblem, REDACT_PRESETS, type RedactPreset } from '../core/redact.js';
import { parseDatabaseUrl } from '../providers/sql/url.js';
import { unknownKeyMessage } from '../core/suggest.js';

/** The logging flags, each ANDed between the storage block and a provider (SPEC §1.3; `log_runs` §3.6). */
export const FLAG_NAMES = ['log_messages', 'log_conversations', 'log_tool_calls', 'log_commands', 'log_context', 'log_runs'] as const;
/** One of the logging flags. */
export type FlagName = (typeof FLAG_NAMES)[number];

/** An object schema that rejects unknown keys, suggesting the closest known one. */
function strict<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key: string) => unknownKeyMessage(key, allowed)).join('\n')
        : undefined,
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

const commonProviderFields = {
  name: z.string().min(1).optional().describe('Unique name, so default_provider can pick one of two providers of one type'),
  agents: agentList,
  ...flagFields,
};

const ENCODINGS = ['utf-8', 'utf8', 'utf16le', 'utf-16le', 'ucs2', 'ucs-2', 'latin1', 'binary', 'ascii', 'base64', 'base64url', 'hex'] as const;
const encoding = z.enum(ENCODINGS).default('utf-8').describe('Node BufferEncoding of the file');
const filePath = z.string().min(1, 'expected a non-empty path');

const databaseUrl = z
  .string()
  .min(1)
  .superRefine((url, ctx) => {
    try {
      parseDatabaseUrl(url);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  })
  .describe('sqlite:///rel.db, sqlite:////abs.db, sqlite:///:memory:, postgresql://…, postgres://…, pglite:///dir, pglite://memory');

/** `type: sql` — SQLite, PostgreSQL or PGlite through drizzle-orm. */
export const sqlProviderSchema = strict({
  type: z.literal('sql'),
  ...commonProviderFields,
  url: databaseUrl.optional().describe('Database URL; default: HISTORIAN_DB_URL or the SQLite file under XDG_DATA_HOME'),
  pool_size: z.number().int().min(1).default(5).describe('PostgreSQL connection pool size'),
  auto_migration: z.boolean().default(true).describe('Create missing tables, columns and indexes on open'),
  connect_timeout_ms: z
    .number()
    .int()
    .nonnegative()
    .default(10_000)
    .describe('PostgreSQL: give up connecting after this many ms (0 = wait forever)'),
  query_timeout_ms: z
    .number()
    .int()
    .nonnegative()
    .default(60_000)
    .describe('PostgreSQL: cancel a statement that runs longer than this many ms (0 = no limit)'),
});

/** `type: text_file` — human-readable logs rendered with nunjucks templates. */
export const textFileProviderSchema = strict({
  type: z.literal('text_file'),
  ...commonProviderFields,
  path: filePath.describe('Log file path; may hold template expressions such as {{ agent_name }} or {{ date }}'),
  format: z.enum(['chronological', 'conversations']).default('chronological'),
  template: z.string().min(1).nullable().optional().describe('Custom template file (wins over format)'),
  encoding,
  max_bytes: z.number().int().positive().optional().describe('Rotate an appended log once it reaches this size'),
});

/** `type: file` — structured documents (JSON, YAML, TOML, INI, JSON Lines). */
export const fileProviderSchema = strict({
  type: z.literal('file'),
  ...commonProviderFields,
  path: filePath,
  format: z.enum(['auto', ...FILE_FORMATS]).default('auto'),
  encoding,
}).superRefine((file, ctx) => {
  // Checked here rather than at open so the error carries the manifest's file:line:column.
  if (file.format === 'auto' && formatOfPath(file.path) === undefined) {
    ctx.addIssue({ code: 'custom', path: ['path'], message: unknownExtensionMessage(file.path) });
  }
  if (BINARY_ENCODINGS.has(file.encoding)) {
    ctx.addIssue({ code: 'custom', path: ['encoding'], message: `${file.encoding} is not a text encoding; use utf-8, utf16le, latin1 or ascii` });
  }
});

/** `type: memory` — keeps entries in process. */
export const memoryProviderSchema = strict({
  type: z.literal('memory'),
  ...commonProviderFields,
});

/** One item of `storage.providers`, discriminated on `type`. */
export const providerConfigSchema = z.discriminatedUnion('type', [
  sqlProviderSchema,
  textFileProviderSchema,
  fileProviderSchema,
  memoryProviderSchema,
]);

const pricePerMillion = z.number().nonnegative();

/** Prices of one model in USD per million tokens; cache prices default to the input price. */
export const modelPriceSchema = strict({
  input: pricePerMillion.describe('USD per million input (prompt) tokens not read from or written to the cache'),
  output: pricePerMillion.describe('USD per million output (completion) tokens'),
  cache_read: pricePerMillion.optional().describe('USD per million tokens read from the prompt cache; default: the input price'),
  cache_write: pricePerMillion.optional().describe('USD per million tokens written to the prompt cache; default: the input price'),
});

/** `storage.pricing`: per model, what tokens cost, for LLM calls whose runtime gave no cost (SPEC §3.6). */
export const pricingSchema = z
  .record(z.string().min(1), modelPriceSchema)
  .describe('Per model name (e.g. openai/gpt-4o): USD per million tokens, used where an LLM call carries no total_cost');

/** `storage.redact`: what to mask in every entry once, before any provider sees it. */
export const redactSchema = strict({
  presets: z
    .array(z.enum(Object.keys(REDACT_PRESETS) as [RedactPreset, ...RedactPreset[]]))
    .default([])
    .describe(`Built-in patterns: ${Object.keys(REDACT_PRESETS).join(', ')}`),
  patterns: z
    .array(
      z.string().min(1).superRefine((source, ctx) => {
        const problem = patternProblem(source);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    )
    .default([])
    .describe('Regular expressions (JavaScript syntax); every match in text is replaced'),
  fields: z
    .array(
      z.string().min(1).superRefine((path, ctx) => {
        const problem = fieldPathProblem(path);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    )
    .default([])
    .describe('Field paths whose whole value is replaced, e.g. args.password, metadata.*.token, **.api_key'),
  replacement: z.string().default('[REDACTED]').describe('What a redacted value or match becomes'),
});

/** The `storage:` block of an agent manifest (SPEC §1.1). */
export const storageSchema = strict({
  providers: z.array(providerConfigSchema).optional().describe('Absent = the default SQLite provider; [] = logging off'),
  agents: agentList,
  filter_mode: z.enum(['and', 'override']).default('and'),
  default_provider: z.string().min(1).nullable().optional().describe('Provider name or type used to read history'),
  pricing: pricingSchema.optional(),
  redact: redactSchema.optional().describe('Mask secrets and personal data in every entry before any provider stores it'),
  ...flagFields,
});

/** A whole manifest: historian reads `storage:` and ignores every other key. */
export const manifestSchema = z.looseObject({ storage: storageSchema.nullable().optional() });

/** A validated provider config. */
export type ProviderConfig = z.output<typeof providerConfigSchema>;
/** A provider config of one type. */
export type ProviderConfigOf<T extends ProviderConfig['type']> = Extract<ProviderConfig, { type: T }>;
/** A validated storage block. */
export type StorageConfig = z.output<typeof storageSchema>;
/** What a library user may write: the storage block before defaults. */
export type StorageInput = z.input<typeof storageSchema>;
/** Validated `storage.pricing`: model name → prices. */
export type Pricing = z.output<typeof pricingSchema>;
/** The prices of one model. */
export type ModelPrice = z.output<typeof modelPriceSchema>;
/** The known provider types. */
export type ProviderType = ProviderConfig['type'];
