import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppendFile } from '../providers/file/append.js';
import { FileLock } from '../providers/file/lock.js';
import type { Rejection } from '../providers/types.js';

/** One line of a dead-letter file: when and why a provider refused the entry, and the entry. */
export interface DeadLetter {
  rejected_at: string;
  provider: string;
  error: string;
  entry: unknown;
}

/**
 * JSON that never throws: a value JSON cannot hold (a cycle, a BigInt) is written as a string
 * saying what it was, so a rejected entry is always kept in some form.
 */
export function safeJson(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return `${item.toString()}n`;
    if (typeof item === 'object' && item !== null) {
      if (seen.has(item)) return '[circular]';
      seen.add(item);
    }
    return item;
  });
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
    return `${safeJson(letter)}\n`;
  });
  await mkdir(dirname(path), { recursive: true });
  const file = new AppendFile(path);
  await new FileLock(path, { label: provider }).run(async () => {
    try {
      await file.open();
      await file.append([Buffer.from(lines.join(''), 'utf8')]);
    } finally {
      await file.close();
    }
  });
}
