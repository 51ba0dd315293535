import { EntryStore } from '../../store/store.js';
import { storeReader } from '../../store/reader.js';
import { storeRunReader } from '../../store/facts.js';
import { defineProvider } from '../../core/define-provider.js';
import { EntryError } from '../../core/errors.js';
import type { Rejection } from '../../core/provider.js';

/** `type: memory` — keeps entries in process and answers every query; for tests and demos. */
export const memoryProvider = defineProvider({
  type: 'memory',
  readable: true,
  open() {
    const store = new EntryStore();
    return {
      write(batch) {
        const rejected: Rejection[] = [];
        for (const record of batch) {
          try {
            store.add(record);
          } catch (error) {
            // A run fact whose sequence is taken: refused, the rest of the batch stored.
            if (!(error instanceof EntryError)) throw error;
            rejected.push({ record, error });
          }
        }
        return rejected;
      },
      async close() {},
      reader: storeReader(store),
      runs: storeRunReader(store),
    };
  },
});
