import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { entrySchema } from '../../src/index.js';

/** Reads a hand-written response payload from `payloads/`, shaped as the SDK returns it. */
export function payload<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./payloads/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** Asserts every entry passes the entry schema as it stands, so `historian.log()` accepts it. */
export function expectValid(entries: readonly unknown[]): void {
  for (const entry of entries) expect(entrySchema.safeParse(entry).error).toBeUndefined();
}
