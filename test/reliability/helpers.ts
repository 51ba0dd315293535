import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveStorage, type LogRecord, type Provider, type ProviderError, type StorageInput } from '../../src/index.js';

type ProviderInput = NonNullable<StorageInput['providers']>[number];

/** Opens one provider directly (no logger in between), collecting its warnings. */
export async function openProvider(input: ProviderInput): Promise<{ provider: Provider; warnings: ProviderError[] }> {
  const manifest = resolveStorage({ providers: [input] });
  const resolved = manifest.providers[0]!;
  const warnings: ProviderError[] = [];
  const provider = await resolved.definition.open(resolved, { manifest, warn: (error) => warnings.push(error) });
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

const WRITER = fileURLToPath(new URL('./writer-child.mjs', import.meta.url));

/** Starts one writer process; resolves with it once it has opened its provider. */
function startWriter(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.once('data', () => resolve(child));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`writer ${args[2]} exited with ${code}: ${err}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return child.exitCode === 0 ? resolve() : reject(new Error(`exit ${child.exitCode}`));
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited with ${code}: ${err}`))));
  });
}

/**
 * Runs `writer-child.mjs` once per prefix on one provider config: all open the provider
 * first, then all log at once. Resolves when every writer has exited cleanly.
 */
export async function runWriters(provider: ProviderInput, prefixes: string[], count: number, batch: number): Promise<void> {
  const go = join(mkdtempSync(join(tmpdir(), 'historian-go-')), 'go');
  const args = (prefix: string) => [JSON.stringify(provider), go, prefix, String(count), String(batch)];
  const writers = await Promise.all(prefixes.map((prefix) => startWriter(args(prefix))));
  writeFileSync(go, '');
  try {
    await Promise.all(writers.map(exited));
  } finally {
    rmSync(dirname(go), { recursive: true, force: true });
  }
}

/** Fills the disk holding `file` completely, then frees `free` bytes of it. */
export function fillDisk(file: string, free: number): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024, 120);
  let size = 0;
  try {
    for (;;) size += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  truncateSync(file, Math.max(0, size - free));
}
