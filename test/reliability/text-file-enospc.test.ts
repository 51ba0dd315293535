import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistorian } from '../../src/index.js';
import { fillDisk, mountSmallDisk } from './helpers.js';

const disk = mountSmallDisk('1m');
const skipped = 'reason' in disk ? disk.reason : null;
if (skipped) console.warn(`text_file full-disk tests skipped: ${skipped}`);

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/**
 * Logs batches into a chronological log on a nearly full disk until flushes fail, frees the
 * space, flushes again, and returns every logged id with the text of all log files.
 */
async function logThroughFullDisk(folder: string, maxBytes?: number): Promise<{ ids: string[]; text: string }> {
  const path = join(folder, 'chat.log');
  const filler = join(folder, '..', `filler-${maxBytes ?? 'none'}`);
  fillDisk(filler, 40 * 1024);
  const provider = { type: 'text_file' as const, path, ...(maxBytes ? { max_bytes: maxBytes } : {}) };
  const historian = await createHistorian({ providers: [provider] }, { flushInterval: 1, retryDelay: 1, flushAttempts: 2, onError: () => {} });
  const ids: string[] = [];
  let failures = 0;
  for (let batch = 0; batch < 80 && failures < 3; batch++) {
    for (let i = 0; i < 20; i++) {
      const id = `b${batch}-${i}`;
      ids.push(id);
      historian.logMessage({ id, conversation_id: 'c1', role: 'user', content: `${id} ${'y'.repeat(200)}` });
    }
    await historian.flush().catch(() => (failures += 1));
  }
  expect(failures).toBeGreaterThan(0);
  rmSync(filler);
  await historian.flush();
  await historian.close();
  const text = readdirSync(folder).map((name) => readFileSync(join(folder, name), 'utf8')).join('');
  return { ids, text };
}

describe('text_file on a full disk', () => {
  afterAll(() => {
    if (!('reason' in disk)) disk.unmount();
  });

  it.skipIf(skipped !== null)('a batch retried after ENOSPC appends each block exactly once', async () => {
    if ('reason' in disk) return;
    const { ids, text } = await logThroughFullDisk(join(disk.dir, 'plain'));
    for (const id of ids) expect(count(text, `| ${id} `), id).toBe(1);
  });

  it.skipIf(skipped !== null)('with rotation, a batch retried after ENOSPC part-way through its steps appends each block exactly once', async () => {
    if ('reason' in disk) return;
    const { ids, text } = await logThroughFullDisk(join(disk.dir, 'rotating'), 8 * 1024);
    for (const id of ids) expect(count(text, `| ${id} `), id).toBe(1);
  });
});
