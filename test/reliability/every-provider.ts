import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageInput } from '../../src/index.js';

type ProviderInput = NonNullable<StorageInput['providers']>[number];

/** Every provider type and format, writing into `dir`; the readable ones are named by what they are. */
export function everyProvider(dir: string): ProviderInput[] {
  return [
    { type: 'sql', name: 'sqlite', url: `sqlite:///${join(dir, 'history.db')}` },
    { type: 'sql', name: 'pglite', url: `pglite:///${join(dir, 'pglite')}` },
    { type: 'file', name: 'json', path: join(dir, 'history.json') },
    { type: 'file', name: 'yaml', path: join(dir, 'history.yaml') },
    { type: 'file', name: 'toml', path: join(dir, 'history.toml') },
    { type: 'file', name: 'ini', path: join(dir, 'history.ini') },
    { type: 'file', name: 'jsonl', path: join(dir, 'history.jsonl') },
    { type: 'text_file', name: 'chronological', path: join(dir, 'logs', 'chronological.log') },
    { type: 'text_file', name: 'conversations', path: join(dir, 'logs', 'conversations.log'), format: 'conversations' },
    { type: 'memory', name: 'memory' },
  ];
}

/** The readable providers of `everyProvider`. */
export const READABLE = ['sqlite', 'pglite', 'json', 'yaml', 'toml', 'ini', 'jsonl', 'memory'];

/** Every file under `dir`, recursively, as raw bytes decoded as latin1 (so any byte sequence can be searched). */
export function filesUnder(dir: string): { path: string; bytes: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path).toString('latin1') }];
  });
}
