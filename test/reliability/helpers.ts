import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { providerRegistry, resolveStorage, type LogRecord, type Provider, type ProviderError, type StorageInput } from '../../src/index.js';

type ProviderInput = NonNullable<StorageInput['providers']>[number];

/** Opens one provider directly (no logger in between), collecting its warnings. */
export async function openProvider(input: ProviderInput): Promise<{ provider: Provider; warnings: ProviderError[] }> {
  const manifest = resolveStorage({ providers: [input] });
  const resolved = manifest.providers[0]!;
  const warnings: ProviderError[] = [];
  const definition = providerRegistry[resolved.config.type];
  const provider = await definition.open(resolved as never, { manifest, warn: (error) => warnings.push(error) });
  return { provider, warnings };
}

/** A record as the logger hands it to providers: a stamped entry of its own. */
export function record(entry: Record<string, unknown>, seq: number, agent: string | null = null): LogRecord {
  const stamped = { id: `e${seq}`, seq, timestamp: '2026-11-20T10:00:00.000Z', ...entry };
  return { entry: stamped as unknown as LogRecord['entry'], agent, fresh: true };
}

/** A fresh temporary folder, removed by the returned function. */
export function tempFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `historian-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A small tmpfs (a disk that really fills up) mounted in a fresh folder. Null, with the reason,
 * when it cannot be mounted here (not root, no mount permission in this container).
 */
export function mountSmallDisk(size: string): { dir: string; unmount: () => void } | { reason: string } {
  if (process.getuid?.() !== 0) return { reason: 'needs root to mount a tmpfs' };
  const { dir, remove } = tempFolder('full-disk');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    remove();
    return { reason: `cannot mount a tmpfs: ${(error as Error).message.split('\n')[0]}` };
  }
  mkdirSync(join(dir, 'logs'));
  return {
    dir: join(dir, 'logs'),
    unmount: () => {
      execFileSync('umount', [dir]);
      remove();
    },
  };
}

const run = promisify(execFile);
const WRITER = fileURLToPath(new URL('./writer-child.mjs', import.meta.url));

/** Runs `writer-child.mjs` once per prefix, all at once, on one provider config; resolves when all exited cleanly. */
export async function runWriters(provider: ProviderInput, prefixes: string[], count: number, batch: number): Promise<void> {
  const config = JSON.stringify(provider);
  await Promise.all(prefixes.map((prefix) => run(process.execPath, [WRITER, config, prefix, String(count), String(batch)])));
}
