import { dirname } from 'node:path';
import { AppendFile } from './append.js';
import { makeFolder } from './folder.js';
import { FileLock } from './lock.js';
import { endOnWholeLine } from './whole-lines.js';
import type { Rejection } from '../core/provider.js';

/** One line of a dead-letter file: when and why a provider refused the entry, and the entry. */
export interface DeadLetter {
  rejected_at: string;
  provider: string;
  error: string;
  entry: unknown;
}

/**
 * Appends rejected entries to a provider's dead-letter file (`<store>.rejected.jsonl`), one
 * object per line, and makes them durable before returning: whole lines or nothing, under the
 * file's lock, as every appended file of historian. Replay them with
 * `jq -c .entry <file> | historian ingest -` once the cause is fixed.
 */
export async function writeDeadLetters(path: string, provider: string, rejections: readonly Rejection[]): Promise<void> {
  const now = new Date().toISOString();
  const lines = rejections.map(({ record, error }) => {
    const letter: DeadLetter = { rejected_at: now, provider, error: error.message, entry: record.entry };
    return `${JSON.stringify(letter)}\n`;
  });
  await makeFolder(dirname(path));
  const file = new AppendFile(path);
  await new FileLock(path, { label: provider }).run(async () => {
    try {
      await file.open();
      // A crash mid-append may have left a torn last line: never glue a letter to it.
      await endOnWholeLine(file, 'utf8');
      await file.append([Buffer.from(lines.join(''), 'utf8')]);
    } finally {
      await file.close();
    }
  });
}
