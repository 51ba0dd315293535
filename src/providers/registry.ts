import type { CommonProviderConfig } from '../core/config-schema.js';
import type { ProviderDefinition } from '../core/provider.js';
import { fileProvider } from './file/index.js';
import { memoryProvider } from './memory/index.js';
import { sqlProvider } from './sql/index.js';
import { textFileProvider } from './text-file/index.js';

/** The provider types historian brings, in the order their names are listed in messages. */
export const builtinProviders = [sqlProvider, textFileProvider, fileProvider, memoryProvider] as const;

/** One of the built-in provider types' definitions. */
export type BuiltinProvider = (typeof builtinProviders)[number];

/** The validated config of a provider type. */
export type ConfigOfDefinition<D> = D extends ProviderDefinition<infer C, unknown> ? C : never;
/** What a manifest may write for a provider type. */
export type InputOfDefinition<D> = D extends ProviderDefinition<CommonProviderConfig, infer I> ? I : never;

/** The provider used when a manifest names none (docs/manifest.md): SQLite at the default path. */
export const DEFAULT_PROVIDER = { type: 'sql' } as const;

/**
 * Every provider type a manifest may name: the built-in ones and `custom` (from
 * `defineProvider`). A custom type may not reuse a built-in or another custom type's name.
 */
export function providerTypes(custom: readonly ProviderDefinition[] = []): readonly ProviderDefinition[] {
  if (custom.length === 0) return builtinProviders as unknown as readonly ProviderDefinition[];
  const all = [...(builtinProviders as unknown as ProviderDefinition[]), ...custom];
  const seen = new Set<string>();
  for (const definition of all) {
    if (seen.has(definition.type)) throw new Error(`provider type "${definition.type}" is defined twice`);
    seen.add(definition.type);
  }
  return all;
}
