// One writer of the two-process test. Logs `count` runs (4 facts each) of session "shared" into
// the database at `url`, flushing after each fact pair so every run takes several transactions.
// mode "race": both writers start together and write as fast as they can.
// mode "turns": writers take turns run by run, passing the turn through the file `turn`, so
// each must read the numbers the other process committed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHistorian } from '../../dist/index.js';

const [url, dir, writer, other, count, mode] = process.argv.slice(2);

async function until(ready) {
  while (!ready()) await sleep(2);
}

const historian = await createHistorian({ providers: [{ type: 'sql', url }] }, { batchSize: 2 });
writeFileSync(join(dir, `${writer}.ready`), '');
await until(() => existsSync(join(dir, `${other}.ready`)));
for (let i = 0; i < Number(count); i++) {
  if (mode === 'turns') await until(() => readFileSync(join(dir, 'turn'), 'utf8') === writer);
  const fact = { session_id: 'shared', run_id: `${writer}-${i}`, agent_name: writer };
  historian.log({ type: 'run_started', ...fact, user_input: `task ${i}` });
  await historian.flush();
  historian.log({ type: 'llm_call_started', ...fact, call_id: `${writer}-${i}-l`, model: 'm' });
  historian.log({ type: 'llm_call_completed', ...fact, call_id: `${writer}-${i}-l`, model: 'm' });
  await historian.flush();
  historian.log({ type: 'run_finished', ...fact, response: 'done' });
  await historian.flush();
  if (mode === 'turns') writeFileSync(join(dir, 'turn'), other);
}
await historian.close();
