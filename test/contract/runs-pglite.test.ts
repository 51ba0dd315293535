import { runsContract } from './runs-contract.js';

// One embedded PostgreSQL per test: the run log on the PostgreSQL dialect (advisory locks, json payloads).
runsContract('sql (PGlite in memory)', () => ({ storage: { providers: [{ type: 'sql', url: 'pglite://memory' }] } }), { persistent: false });
