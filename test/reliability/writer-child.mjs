// One of several processes logging into one provider at once. Opens the provider, prints
// "ready", waits until the file GO exists (so every writer has opened before any writes),
// then logs COUNT messages with ids `<prefix>-<i>`, flushing every BATCH, and closes.
// Exits non-zero if a flush fails.
import { existsSync } from 'node:fs';
import { createHistorian } from '../../dist/index.js';

const [config, go, prefix, count, batch] = process.argv.slice(2);
const historian = await createHistorian({ providers: [JSON.parse(config)] }, { flushInterval: 1, retryDelay: 5, flushAttempts: 20 });
process.stdout.write('ready\n');
while (!existsSync(go)) await new Promise((done) => setTimeout(done, 2));
for (let i = 0; i < Number(count); i++) {
  const id = `${prefix}-${i}`;
  historian.logMessage({ id, conversation_id: `${prefix}-c${i % 3}`, role: 'user', content: `entry ${id}` });
  if ((i + 1) % Number(batch) === 0) await historian.flush();
}
await historian.close();
