import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHistorian } from '../../src/index.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'historian-pglite-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('PGlite in a folder keeps history across close and reopen', async () => {
  const storage = { providers: [{ type: 'sql' as const, url: `pglite:///${join(dir, 'db')}` }] };
  const first = await createHistorian(storage);
  first.logConversationStart({ conversation_id: 'c1', agent_name: 'planner' });
  first.logMessage({ conversation_id: 'c1', role: 'user', content: 'persist me', cost_info: { token_usage: { prompt: 3, completion: 4 } } });
  await first.close();
  const second = await createHistorian(storage);
  const [conversation] = await second.history().conversations({ tokens: true });
  expect(conversation).toMatchObject({ conversation_id: 'c1', agent_name: 'planner', token_usage: { total: 7, prompt: 3, completion: 4 } });
  expect(conversation!.messages.map((m) => m.content)).toEqual(['persist me']);
  await second.close();
});
