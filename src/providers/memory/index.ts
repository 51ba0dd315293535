import { EntryStore } from '../../store/store.js';
import { storeReader } from '../../store/reader.js';
import { storeRunReader } from '../../store/facts.js';
import { defineProvider } from '../../core/define-provider.js';

/** `type: memory` — keeps entries in process and answers every query; for tests and demos. */
export const memoryProvider = defineProvider({
  type: 'memory',
  readable: true,
  open() {
    const store = new EntryStore();
    return {
      write(batch) {
        for (const record of batch) store.add(record);
      },
      async close() {},
      reader: storeReader(store),
      runs: storeRunReader(store),
    };
  },
});
