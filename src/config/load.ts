import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Document } from 'yaml';
import { yamlLibrary } from '../formats/yaml-library.js';
import type { z } from 'zod';
import { formatPath } from '../core/field-path.js';
import { ManifestError, type ManifestIssue } from '../core/errors.js';
import { effectiveAgents, effectiveFlags } from '../core/filters.js';
import { interpolate } from './interpolate.js';
import { misplacedStorageKeys } from './misplaced.js';
import { PositionFinder } from './positions.js';
import { defaultProviderProblems, duplicateNames } from './provider-checks.js';
import { isSecretVariable, maskValues, type SecretValue } from '../core/secrets.js';
import { checkYaml } from '../formats/yaml-guard.js';
import { closest } from '../core/suggest.js';
import type { CommonProviderConfig, StorageSettings } from '../core/config-schema.js';
import type { Manifest, ProviderDefinition, ResolvedProvider } from '../core/provider.js';
import { DEFAULT_PROVIDER, providerTypes } from '../providers/registry.js';
import { manifestSchema, type StorageInput } from './schema.js';

export type { Manifest, ResolvedProvider } from '../core/provider.js';

/** Options for loading a manifest. */
export interface LoadOptions {
  /** Names the source in messages; defaults to the path, `<string>` or `<object>`. */
  file?: string;
  /** Folder for relative paths; defaults to the manifest's folder, else the working directory. */
  baseDir?: string;
  /** Environment for `${VAR}` interpolation and `HISTORIAN_DB_URL`; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Provider types defined in code (`defineProvider`) that the manifest may name, besides the built-in ones. */
  providers?: readonly ProviderDefinition[];
}

interface Context {
  file: string;
  baseDir: string;
  env: NodeJS.ProcessEnv;
  definitions: readonly ProviderDefinition[];
  positions?: PositionFinder;
  /** Values that `${VAR}` took from secret-looking variables: messages show `${VAR}` instead. */
  secrets: SecretValue[];
}

/**
 * The largest manifest historian reads. The `storage:` block is a few lines; agent manifests
 * around it with prompts and tool lists stay well under this. Anything larger is refused before
 * it is read or parsed.
 */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** At most this many YAML problems are listed; past them the manifest is clearly not one. */
const MAX_YAML_PROBLEMS = 20;

/** Loads and validates the manifest file at `path`. Throws `ManifestError` listing every problem. */
export function loadManifest(path: string, options: LoadOptions = {}): Manifest {
  const file = options.file ?? path;
  let text: string;
  try {
    const { size } = statSync(path);
    if (size > MAX_MANIFEST_BYTES) throw new ManifestError([{ file, path: '', message: tooLarge(size) }]);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ManifestError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ManifestError([{ file, path: '', message: `cannot read manifest: ${reason}` }]);
  }
  return parseManifest(text, { baseDir: dirname(resolve(path)), ...options, file });
}

/** Parses and validates manifest YAML text. Throws `ManifestError` with line and column per problem. */
export function parseManifest(text: string, options: LoadOptions = {}): Manifest {
  const file = options.file ?? '<string>';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_MANIFEST_BYTES) throw new ManifestError([{ file, path: '', message: tooLarge(bytes) }]);
  const yaml = yamlLibrary();
  const lines = new yaml.LineCounter();
  // Duplicate keys are checked by checkYaml: the yaml library's own check (uniqueKeys) compares
  // every key of a mapping with every other, which made large manifests parse in quadratic time.
  const doc = yaml.parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const ctx: Context = {
    file,
    baseDir: options.baseDir ?? process.cwd(),
    env: options.env ?? process.env,
    definitions: providerTypes(options.providers),
    positions: new PositionFinder(doc, lines),
    secrets: [],
  };
  const problems = yamlProblems(doc, ctx.positions!);
  if (problems.length > 0) throw new ManifestError(listed(problems).map((problem) => ({ file, ...problem })));
  const manifest = build(storageNode(doc, ctx), ctx);
  return { ...manifest, warnings: misplacedStorageKeys(doc, ctx.positions!, file) };
}

/** Syntax errors, else what checkYaml refuses (alias bombs, cycles, duplicate keys), positioned in the source. */
function yamlProblems(doc: Document, positions: PositionFinder): Omit<ManifestIssue, 'file'>[] {
  if (doc.errors.length > 0) {
    return doc.errors.map((error) => ({ path: '', ...positions.offset(error.pos[0]), message: syntaxError(error.message) }));
  }
  return checkYaml(doc).map((problem) => ({ path: formatPath(problem.path), ...positions.node(problem.node), message: problem.message }));
}

/** Converts only `storage:` to plain values: the rest of the manifest belongs to other tools. */
function storageNode(doc: Document, ctx: Context): unknown {
  const root = doc.contents;
  if (root === null || (yamlLibrary().isScalar(root) && root.value === null)) return undefined;
  if (!yamlLibrary().isMap(root)) {
    throw new ManifestError([{ file: ctx.file, path: '', line: 1, column: 1, message: 'expected a YAML mapping at the top level' }]);
  }
  const storage = root.get('storage', true);
  try {
    // checkYaml has bounded what aliases expand to and ruled out cycles, so no count is needed here.
    return yamlLibrary().isNode(storage) ? storage.toJS(doc, { maxAliasCount: -1 }) : storage;
  } catch (error) {
    throw new ManifestError([issueAt(ctx, ['storage'], `cannot read the storage block: ${(error as Error).message}`)]);
  }
}

function syntaxError(message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (/call stack/i.test(first)) return 'YAML nested too deeply to read';
  return `YAML syntax error: ${first}`;
}

/** The first problems, and how many more there were. */
function listed<T extends { message: string }>(problems: T[]): T[] {
  if (problems.length <= MAX_YAML_PROBLEMS) return problems;
  const more = { ...problems[MAX_YAML_PROBLEMS]!, message: `… and ${problems.length - MAX_YAML_PROBLEMS} more problems` };
  return [...problems.slice(0, MAX_YAML_PROBLEMS), more];
}

function tooLarge(bytes: number): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `manifest is ${mb(bytes)}; historian reads manifests of at most ${mb(MAX_MANIFEST_BYTES)} (keep large data out of the manifest)`;
}

/** Validates a storage block built in code (the value of `storage:`). */
export function resolveStorage<Custom extends ProviderDefinition = never>(
  storage: StorageInput<Custom> | null | undefined,
  options: LoadOptions & { providers?: readonly Custom[] } = {},
): Manifest {
  return build(storage, {
    file: options.file ?? '<object>',
    baseDir: options.baseDir ?? process.cwd(),
    env: options.env ?? process.env,
    definitions: providerTypes(options.providers),
    secrets: [],
  });
}

function build(rawStorage: unknown, ctx: Context): Manifest {
  const { value, unset, substituted } = interpolate(rawStorage, ctx.env, ['storage']);
  ctx.secrets = substituted.filter((s) => isSecretVariable(s.variable));
  const issues: ManifestIssue[] = unset.map((u) =>
    issueAt(ctx, u.path, `environment variable ${u.variable} is not set (use \${${u.variable}:-default} for a fallback)`),
  );
  const schema = manifestSchema(ctx.definitions);
  const parsed = schema.safeParse({ storage: value ?? undefined });
  if (!parsed.success) {
    const interpolated = new Set(issues.map((issue) => issue.path));
    const schemaIssues = parsed.error.issues.flatMap((issue) => fromZod(ctx, issue, { storage: value }));
    issues.push(...schemaIssues.filter((issue) => !interpolated.has(issue.path)));
  }
  if (issues.length > 0 || !parsed.success) throw new ManifestError(issues.sort(byPosition));
  const { providers: configs, ...storage } = parsed.data.storage ?? schema.parse({ storage: {} }).storage!;
  const providers = resolveProviders(storage, (configs as CommonProviderConfig[] | undefined) ?? [defaultConfig(ctx)], ctx);
  const defaultProvider = storage.default_provider ?? null;
  const at = (path: (string | number)[], message: string) => issueAt(ctx, path, message);
  const readableTypes = ctx.definitions.filter((definition) => definition.readable).map((definition) => definition.type);
  const problems = [...duplicateNames(providers, at), ...defaultProviderProblems(defaultProvider, providers, readableTypes, at)];
  if (problems.length > 0) throw new ManifestError(problems);
  return {
    file: ctx.file,
    baseDir: ctx.baseDir,
    storage,
    providers,
    defaultProvider,
    definitions: ctx.definitions,
    issueAt: (path, message) => issueAt(ctx, path, message),
    warnings: [],
  };
}

function byPosition(a: ManifestIssue, b: ManifestIssue): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/** The provider of a manifest that names none (docs/manifest.md), with its defaults. */
function defaultConfig(ctx: Context): CommonProviderConfig {
  return definitionOf(DEFAULT_PROVIDER.type, ctx).schema.parse(DEFAULT_PROVIDER);
}

function definitionOf(type: string, ctx: Context): ProviderDefinition {
  // The schema admitted only known types.
  return ctx.definitions.find((definition) => definition.type === type)!;
}

function resolveProviders(storage: StorageSettings, configs: CommonProviderConfig[], ctx: Context): ResolvedProvider[] {
  const seen = new Map<string, number>();
  return configs.map((config, index) => {
    const base = config.name ?? config.type;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const definition = definitionOf(config.type, ctx);
    return {
      label: count === 1 ? base : `${base}#${count}`,
      index,
      config: definition.resolve(config, { baseDir: ctx.baseDir, env: ctx.env }),
      agents: effectiveAgents(storage.filter_mode, storage.agents, config.agents),
      flags: effectiveFlags(storage, config),
      definition,
    };
  });
}

function issueAt(ctx: Context, path: (string | number)[], message: string, key?: string): ManifestIssue {
  const full = key === undefined ? path : [...path, key];
  return { file: ctx.file, path: formatPath(full), ...ctx.positions?.find(path, key), message: maskValues(message, ctx.secrets) };
}

function fromZod(ctx: Context, issue: z.core.$ZodIssue, input: unknown): ManifestIssue[] {
  const path = issue.path as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    const messages = issue.message.split('\n');
    return issue.keys.map((key, i) => issueAt(ctx, path, messages[i] ?? `unknown key "${key}"`, key));
  }
  return [issueAt(ctx, path, describe(issue, ctx, input))];
}

/** The value at `path` of `root`, if there is one. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function describe(issue: z.core.$ZodIssue, ctx: Context, input: unknown): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue) {
    const types = ctx.definitions.map((definition) => definition.type);
    const given = valueAt(input, issue.path);
    const hint = typeof given === 'string' ? closest(given, types) : undefined;
    const expected = `expected type: ${types.slice(0, -1).join(', ')} or ${types.at(-1)}`;
    if (hint !== undefined) return `unknown provider type "${given}" (did you mean "${hint}"?); ${expected}`;
    return `unknown or missing provider type; ${expected}`;
  }
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return `required key "${String(issue.path.at(-1))}" is missing (expected ${issue.expected})`;
  }
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}
