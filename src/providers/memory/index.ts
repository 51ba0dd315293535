import { EntryStore } from '../../store/store.js';
import { storeReader } from '../../store/reader.js';
import { storeRunReader } from '../../store/facts.js';
import type { ProviderDefinition } from '../../core/provider.js';

/** `type: memory` — keeps entries in process and answers every query; for tests and demos. */
export const memoryProvider: ProviderDefinition<'memory'> = {
  readable: true,
  open({ label }) {
    const store = new EntryStore();
    return {
      label,
      type: 'memory',
      write(batch) {
        for (const record of batch) store.add(record);
      },
      async close() {},
      reader: storeReader(store),
      runs: storeRunReader(store),
    };
  },
};
