import { historyContract } from './history-contract.js';

// One embedded PostgreSQL per test; PGlite's on-disk folders are covered in test/sql/pglite-folder.test.ts.
historyContract('sql (PGlite in memory)', () => ({ storage: { providers: [{ type: 'sql', url: 'pglite://memory' }] } }), { persistent: false });
