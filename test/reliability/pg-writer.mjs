// Logs into a database server (PostgreSQL, MySQL) until its stdin closes, printing the ids of
// each batch once flush() has resolved; a rejected flush is reported on stderr and the loop goes
// on (entries stay queued).
import { createHistorian } from '../../dist/index.js';

const [url] = process.argv.slice(2);
const historian = await createHistorian(
  { providers: [{ type: 'sql', url }] },
  { flushInterval: 5, retryDelay: 50, onError: (error) => process.stderr.write(`onError: ${error.message}\n`) },
);
let stopping = false;
process.stdin.on('end', () => (stopping = true));
process.stdin.resume();
for (let batch = 0; !stopping; batch++) {
  const ids = [];
  for (let i = 0; i < 20; i++) {
    const id = `b${batch}-${i}`;
    historian.logMessage({ id, conversation_id: `c${batch % 5}`, role: 'user', content: `entry ${id}` });
    ids.push(id);
  }
  try {
    await historian.flush();
    process.stdout.write(`${ids.join(' ')}\n`);
  } catch (error) {
    process.stderr.write(`flush rejected: ${error.message}\n`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
// Everything logged is flushed before exit, however long the server takes to come back.
for (;;) {
  try {
    await historian.flush();
    break;
  } catch (error) {
    process.stderr.write(`flush rejected: ${error.message}\n`);
  }
}
await historian.close();
process.stdout.write('closed\n');
