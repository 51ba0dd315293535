import { ProviderError } from '../../errors.js';
import type { ProviderDefinition } from '../types.js';

/** `type: sql` (being built). */
export const sqlProvider: ProviderDefinition<'sql'> = {
  readable: true,
  open(provider) {
    throw new ProviderError('the sql provider is not built yet', provider.label);
  },
};
