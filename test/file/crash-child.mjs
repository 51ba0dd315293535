// Logs to a JSON file until killed, printing the ids of each batch once its flush has resolved.
import { createHistorian } from '../../dist/index.js';

const [path, prefix] = process.argv.slice(2);
const historian = await createHistorian({ providers: [{ type: 'file', path }] }, { flushInterval: 1 });
for (let batch = 0; ; batch++) {
  const ids = [];
  const size = 1 + (batch % 7) * 20;
  for (let i = 0; i < size; i++) {
    const id = `${prefix}-${batch}-${i}`;
    historian.logMessage({ id, conversation_id: `${prefix}-c${batch % 3}`, role: 'user', content: `entry ${id}\nwith ✓ unicode` });
    ids.push(id);
  }
  await historian.flush();
  process.stdout.write(`${ids.join(' ')}\n`);
}
