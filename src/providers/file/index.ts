import { ProviderError } from '../../errors.js';
import type { ProviderDefinition } from '../types.js';

/** `type: file` (being built). */
export const fileProvider: ProviderDefinition<'file'> = {
  readable: true,
  open(provider) {
    throw new ProviderError('the file provider is not built yet', provider.label);
  },
};
