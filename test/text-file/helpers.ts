import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createHistorian, type EntryInput, type Historian, type HistorianOptions, type ProviderError, type StorageInput } from '../../src/index.js';

type ProviderInput = NonNullable<StorageInput['providers']>[number];

/** A fresh temporary folder per test, removed after it. */
export function useTempDir(): () => string {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });
  return () => (dir ??= mkdtempSync(join(tmpdir(), 'historian-text-')));
}

/** A logger over `providers` that collects provider errors instead of warning. */
export async function openLogger(
  providers: ProviderInput[],
  options: HistorianOptions = {},
): Promise<{ historian: Historian; errors: ProviderError[] }> {
  const errors: ProviderError[] = [];
  const historian = await createHistorian({ providers }, { flushInterval: 5, onError: (error) => errors.push(error), ...options });
  return { historian, errors };
}

/** Logs `entries` through a fresh logger over `providers`, then closes it. */
export async function logAll(providers: ProviderInput[], entries: EntryInput[]): Promise<ProviderError[]> {
  const { historian, errors } = await openLogger(providers);
  for (const entry of entries) historian.log(entry);
  await historian.close();
  return errors;
}
