import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { logAll, openLogger, useTempDir } from './helpers.js';
import { TEXT_SESSION } from './session.js';

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), 'golden');

/** Compares with the committed golden file; `UPDATE_GOLDEN=1` rewrites it instead. */
function expectGolden(actual: string, name: string): void {
  const file = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('built-in templates render the scripted session exactly', () => {
  const tempDir = useTempDir();

  it('chronological: one block per entry, in logging order', async () => {
    const path = join(tempDir(), 'chat.log');
    const errors = await logAll([{ type: 'text_file', path }], TEXT_SESSION);
    expect(errors).toEqual([]);
    expectGolden(readFileSync(path, 'utf8'), 'chronological.txt');
  });

  it('chronological: the same text whether entries arrive one batch at a time or all at once', async () => {
    const path = join(tempDir(), 'chat.log');
    const { historian } = await openLogger([{ type: 'text_file', path }]);
    for (const entry of TEXT_SESSION) {
      historian.log(entry);
      await historian.flush();
    }
    await historian.close();
    expectGolden(readFileSync(path, 'utf8'), 'chronological.txt');
  });

  it('conversations: grouped by conversation, tool calls under their message, commands last', async () => {
    const path = join(tempDir(), 'chat.log');
    const errors = await logAll([{ type: 'text_file', path, format: 'conversations' }], TEXT_SESSION);
    expect(errors).toEqual([]);
    expectGolden(readFileSync(path, 'utf8'), 'conversations.txt');
  });
});
