import { historyContract } from './history-contract.js';

historyContract('memory', () => ({ storage: { providers: [{ type: 'memory' }] } }), { persistent: false });
