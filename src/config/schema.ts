import { z } from 'zod';
import { storageFields, strict, type StorageSettings } from '../core/config-schema.js';
import type { ProviderDefinition } from '../core/provider.js';
import { builtinProviders, type BuiltinProvider, type ConfigOfDefinition, type InputOfDefinition } from '../providers/registry.js';

/** One item of `storage.providers` over the given provider types, discriminated on `type`. */
function providerConfigSchema(definitions: readonly ProviderDefinition[]) {
  const options = definitions.map((definition) => definition.schema) as unknown as [z.ZodObject, ...z.ZodObject[]];
  return z.discriminatedUnion('type', options);
}

/** The `storage:` block of an agent manifest (docs/manifest.md) over the given provider types. */
function buildStorageSchema(definitions: readonly ProviderDefinition[]) {
  return strict({
    providers: z.array(providerConfigSchema(definitions)).optional().describe('Absent = the default SQLite provider; [] = logging off'),
    ...storageFields,
  });
}

/** The schema of a whole manifest: historian reads `storage:` and ignores every other key. */
function buildManifestSchema(definitions: readonly ProviderDefinition[]) {
  return z.looseObject({ storage: buildStorageSchema(definitions).nullable().optional() });
}

const builtin = buildManifestSchema(builtinProviders);

/** The manifest schema over the built-in provider types and `definitions` (built once for the built-ins alone). */
export function manifestSchema(definitions: readonly ProviderDefinition[] = builtinProviders): ReturnType<typeof buildManifestSchema> {
  return definitions === builtinProviders ? builtin : buildManifestSchema(definitions);
}

/** The `storage:` schema over the built-in provider types, as `historian schema` prints it. */
export const storageSchema = buildStorageSchema(builtinProviders);

/** A validated config of a built-in provider type. */
export type ProviderConfig = ConfigOfDefinition<BuiltinProvider>;
/** What a storage block built in code may hold for a provider: a built-in type's config or one of `Custom`. */
export type ProviderInput<Custom extends ProviderDefinition = never> = InputOfDefinition<BuiltinProvider> | InputOfDefinition<Custom>;
/** A validated storage block: its settings and its providers' configs. */
export type StorageConfig = StorageSettings & { providers?: ProviderConfig[] | undefined };
/** What a library user may write: the storage block before defaults, with providers of the built-in types and of `Custom`. */
export type StorageInput<Custom extends ProviderDefinition = never> = z.input<z.ZodObject<typeof storageFields>> & {
  providers?: ProviderInput<Custom>[] | undefined;
};
