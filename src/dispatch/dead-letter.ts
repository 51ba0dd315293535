import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
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
 * object per line, and makes them durable before returning. Replay them with
 * `jq -c .entry <file> | historian ingest -` once the cause is fixed.
 */
export async function writeDeadLetters(path: string, provider: string, rejections: readonly Rejection[]): Promise<void> {
  const now = new Date().toISOString();
  const lines = rejections.map(({ record, error }) => {
    const letter: DeadLetter = { rejected_at: now, provider, error: error.message, entry: record.entry };
    return `${safeJson(letter)}\n`;
  });
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'a');
  try {
    const bytes = Buffer.from(lines.join(''), 'utf8');
    // With O_APPEND every write lands at the end; a short write is continued, not repeated.
    for (let written = 0; written < bytes.length; ) written += (await handle.write(bytes, written)).bytesWritten;
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
