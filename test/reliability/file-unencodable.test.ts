import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openProvider, record, tempFolder } from './helpers.js';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

const message = (content: string) => ({ type: 'message', conversation_id: 'c1', role: 'user', content });

describe('file provider: an entry its encoding cannot hold', () => {
  for (const name of ['history.toml', 'history.yaml', 'history.ini']) {
    it(`${name}: is returned as rejected (for the dead-letter file), and the rest of the batch is stored`, async () => {
      const { dir, remove } = tempFolder('unencodable');
      cleanup = remove;
      const path = join(dir, name);
      const { provider, warnings } = await openProvider({ type: 'file', path, encoding: 'latin1' });
      const batch = [record(message('café'), 1), record(message('数据'), 2), record(message('thé'), 3)];
      const rejected = (await provider.write(batch)) ?? [];
      await provider.close();
      expect(rejected.map((r) => r.record)).toEqual([batch[1]]);
      expect(rejected[0]!.error.message).toMatch(/^cannot be written to .*: character U\+6570 cannot be written in latin1/);
      expect(warnings).toEqual([]);
      expect(provider.deadLetterPath).toBe(`${path}.rejected.jsonl`);
      const text = readFileSync(path, 'latin1');
      expect(text).toContain('café');
      expect(text).toContain('thé');
      expect(await provider.reader!.messages({})).toHaveLength(2);
    });
  }
});
