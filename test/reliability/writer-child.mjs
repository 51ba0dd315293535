// One of several processes logging into one provider at once: logs COUNT messages with ids
// `<prefix>-<i>`, flushing every BATCH, then closes. Exits non-zero if any flush fails.
import { createHistorian } from '../../dist/index.js';

const [config, prefix, count, batch] = process.argv.slice(2);
const historian = await createHistorian({ providers: [JSON.parse(config)] }, { flushInterval: 1, retryDelay: 5, flushAttempts: 20 });
for (let i = 0; i < Number(count); i++) {
  const id = `${prefix}-${i}`;
  historian.logMessage({ id, conversation_id: `${prefix}-c${i % 3}`, role: 'user', content: `entry ${id}` });
  if ((i + 1) % Number(batch) === 0) await historian.flush();
}
await historian.close();
