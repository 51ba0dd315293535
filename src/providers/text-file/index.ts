import { ProviderError } from '../../errors.js';
import type { ProviderDefinition } from '../types.js';

/** `type: text_file` (being built). */
export const textFileProvider: ProviderDefinition<'text_file'> = {
  readable: false,
  open(provider) {
    throw new ProviderError('the text_file provider is not built yet', provider.label);
  },
};
