import type { ProviderType } from '../config/schema.js';
import { fileProvider } from './file/index.js';
import { memoryProvider } from './memory/index.js';
import { sqlProvider } from './sql/index.js';
import { textFileProvider } from './text-file/index.js';
import type { ProviderDefinition } from '../core/provider.js';

/** Every provider type, by the `type` key of its config. */
export const providerRegistry: { [T in ProviderType]: ProviderDefinition<T> } = {
  sql: sqlProvider,
  text_file: textFileProvider,
  file: fileProvider,
  memory: memoryProvider,
};

/** The provider types that can read history back. */
export const readableTypes = (Object.keys(providerRegistry) as ProviderType[]).filter(
  (type) => providerRegistry[type].readable,
);
