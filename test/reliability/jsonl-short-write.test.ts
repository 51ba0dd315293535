import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistorian, type Historian } from '../../src/index.js';
import { fillDisk, mountSmallDisk } from './helpers.js';

const disk = mountSmallDisk('1m');
const skipped = 'reason' in disk ? disk.reason : null;
if (skipped) console.warn(`JSON Lines full-disk test skipped: ${skipped}`);

/** The ids of the file's lines; fails on a line that does not parse (a torn line). */
function idsIn(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  if (text !== '') expect(text.endsWith('\n')).toBe(true);
  return text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
}

function logBatch(historian: Historian, batch: number): string[] {
  const ids = Array.from({ length: 20 }, (_, i) => `b${batch}-${i}`);
  for (const id of ids) historian.logMessage({ id, conversation_id: `c${batch % 4}`, role: 'user', content: `${id} ${'x'.repeat(200)}` });
  return ids;
}

describe('JSON Lines on a full disk', () => {
  afterAll(() => {
    if (!('reason' in disk)) disk.unmount();
  });

  it.skipIf(skipped !== null)('acknowledges only whole lines, tears none, and appends the rest once space is back', async () => {
    if ('reason' in disk) return;
    const path = join(disk.dir, 'history.jsonl');
    const filler = join(disk.dir, 'filler');
    fillDisk(filler, 40 * 1024);
    const historian = await createHistorian({ providers: [{ type: 'file', path }] }, { flushInterval: 1, retryDelay: 1, flushAttempts: 2, onError: () => {} });
    const acknowledged: string[] = [];
    const logged: string[] = [];
    let failures = 0;
    for (let batch = 0; batch < 60 && failures < 3; batch++) {
      const ids = logBatch(historian, batch);
      logged.push(...ids);
      await historian.flush().then(
        () => acknowledged.push(...ids),
        () => (failures += 1),
      );
    }
    expect(failures).toBeGreaterThan(0);
    // While the disk is full: every line whole, every acknowledged entry there exactly once.
    const whileFull = idsIn(path);
    expect(new Set(whileFull).size).toBe(whileFull.length);
    expect(acknowledged.filter((id) => !whileFull.includes(id))).toEqual([]);

    rmSync(filler);
    await historian.flush();
    await historian.close();
    const after = idsIn(path);
    expect(after).toHaveLength(logged.length);
    expect(new Set(after)).toEqual(new Set(logged));

    const reader = await createHistorian({ providers: [{ type: 'file', path }] });
    expect((await reader.history().messages({})).length).toBe(logged.length);
    await reader.close();
  });
});
