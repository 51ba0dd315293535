import { z } from 'zod';
import { commonProviderFields, strict, type CommonProviderConfig } from './config-schema.js';
import type {
  MigrateOptions,
  OpenProvider,
  ProviderContext,
  ProviderDefinition,
  ProviderProblem,
  ResolveContext,
  ResolvedProvider,
} from './provider.js';

/** The validated fields of a shape (nothing for an empty one). */
type Fields<Shape extends z.ZodRawShape> = keyof Shape extends never ? unknown : z.output<z.ZodObject<Shape>>;
/** The fields of a shape as written, before defaults (nothing for an empty one). */
type FieldsIn<Shape extends z.ZodRawShape> = keyof Shape extends never ? unknown : z.input<z.ZodObject<Shape>>;

/** The config of a provider type: its `type`, the common fields, and the fields of `options`. */
export type ConfigOf<T extends string, Shape extends z.ZodRawShape> = Omit<CommonProviderConfig, 'type'> & { type: T } & Fields<Shape>;
/** What a manifest (or a storage block in code) may write for a provider type: its config before defaults. */
export type InputOf<T extends string, Shape extends z.ZodRawShape> = { type: T } & z.input<z.ZodObject<typeof commonProviderFields>> & FieldsIn<Shape>;

/** How to build a provider type; every part but `type` and `open` is optional. */
export interface ProviderSpec<T extends string, Shape extends z.ZodRawShape> {
  /** The `type` that names it in a manifest, e.g. `webhook`. Must not be one of the built-in types. */
  type: T;
  /** The zod schemas of its own config fields (besides `type`, `name`, `agents` and the flags). */
  options?: Shape;
  /** Problems of a config that a schema cannot say (fields that depend on each other), by key. */
  refine?(config: ConfigOf<T, Shape>): ProviderProblem[];
  /** Whether it answers history queries (`open` then returns a `reader`). Default false. */
  readable?: boolean;
  /** The config with relative paths made absolute (against `where.baseDir`) and defaults filled in. */
  resolve?(config: ConfigOf<T, Shape>, where: ResolveContext): ConfigOf<T, Shape>;
  /** Load-time problems found without writing anything, by key of the config. */
  check?(provider: ResolvedProvider<ConfigOf<T, Shape>>): ProviderProblem[] | Promise<ProviderProblem[]>;
  /** Opens it: connect, create folders, load. Returns at least `write` and `close`. */
  open(provider: ResolvedProvider<ConfigOf<T, Shape>>, ctx: ProviderContext): OpenProvider | Promise<OpenProvider>;
  /** Where it stores, as `historian validate` shows it (no secrets). Default: nothing. */
  describe?(config: ConfigOf<T, Shape>): string | null;
  /** Creates or updates its schema for `historian migrate`; returns the lines to print. Default: none. */
  migrate?(provider: ResolvedProvider<ConfigOf<T, Shape>>, options: MigrateOptions): Promise<string>;
  /** Advice `historian validate` prints that is no error, e.g. a file grown past what its format suits. */
  advise?(provider: ResolvedProvider<ConfigOf<T, Shape>>): Promise<string[]>;
  /** For a type that cannot read: deletes everything it wrote (`history reset --all-providers`); returns what it deleted. */
  clear?(provider: ResolvedProvider<ConfigOf<T, Shape>>): Promise<string[]>;
}

/**
 * Defines a provider type. The built-in types are defined this way, and so is a custom one:
 *
 * ```ts
 * const webhook = defineProvider({
 *   type: 'webhook',
 *   options: { url: z.string().url() },
 *   open: ({ config }) => ({
 *     async write(batch) {
 *       const body = JSON.stringify(batch.map((record) => record.entry));
 *       const response = await fetch(config.url, { method: 'POST', body });
 *       if (!response.ok) throw new Error(`webhook answered ${response.status}`);
 *     },
 *     async close() {},
 *   }),
 * });
 * const historian = await createHistorian('agents.yml', { providers: [webhook] });
 * ```
 */
export function defineProvider<const T extends string, Shape extends z.ZodRawShape = {}>(
  spec: ProviderSpec<T, Shape>,
): ProviderDefinition<ConfigOf<T, Shape>, InputOf<T, Shape>> {
  type Config = ConfigOf<T, Shape>;
  const shape = { type: z.literal(spec.type), ...commonProviderFields, ...(spec.options ?? ({} as Shape)) };
  const base = strict(shape);
  const schema = spec.refine
    ? base.superRefine((config, ctx) => {
        for (const problem of spec.refine!(config as Config)) ctx.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
      })
    : base;
  return {
    type: spec.type,
    schema: schema as unknown as z.ZodType<Config, InputOf<T, Shape>>,
    readable: spec.readable ?? false,
    resolve: (config, where) => spec.resolve?.(config, where) ?? config,
    check: (provider) => spec.check?.(provider) ?? [],
    async open(provider, ctx) {
      const opened = await spec.open(provider, ctx);
      // Delegates rather than copies: `opened` may be a class instance with its methods on the prototype.
      return {
        label: provider.label,
        type: spec.type,
        batchLimit: opened.batchLimit,
        deadLetterPath: opened.deadLetterPath,
        reader: opened.reader,
        runs: opened.runs,
        write: (batch) => opened.write(batch),
        close: () => opened.close(),
      };
    },
    describe: (config) => spec.describe?.(config) ?? null,
    migrate: spec.migrate?.bind(spec),
    advise: spec.advise?.bind(spec),
    clear: spec.clear?.bind(spec),
  };
}
