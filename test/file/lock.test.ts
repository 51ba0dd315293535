import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failureKind } from '../../src/dispatch/failures.js';
import { FileLock, LockedError } from '../../src/fs/lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'historian-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that certainly ran and exited. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
}

/** This process's PID namespace, as the lock records it. */
const PID_NAMESPACE = existsSync('/proc/self/ns/pid') ? readlinkSync('/proc/self/ns/pid') : '';

function writeHolder(path: string, pid: number, host = hostname(), pidns = PID_NAMESPACE): void {
  writeFileSync(path, JSON.stringify({ pid, hostname: host, pidns, nonce: 'someone-else', acquired: '2026-01-01T00:00:00.000Z' }));
}

describe('FileLock', () => {
  it('holds <path>.lock with pid, host, nonce and time while the task runs, and removes it after', async () => {
    const lock = new FileLock(join(dir, 'data.json'), { label: 'file' });
    const seen = await lock.run(async () => JSON.parse(readFileSync(lock.path, 'utf8')) as Record<string, unknown>);
    expect(seen).toMatchObject({ pid: process.pid, hostname: hostname(), nonce: expect.stringMatching(/^[0-9a-f]{12}-[0-9a-z]+$/) });
    expect(Date.parse(seen.acquired as string)).not.toBeNaN();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lets one holder in at a time', async () => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 16 }, () =>
        new FileLock(join(dir, 'data.json'), { label: 'file' }).run(async () => {
          most = Math.max(most, ++inside);
          await new Promise((done) => setTimeout(done, 5));
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('breaks a lock whose holder is dead on this host', async () => {
    const lock = new FileLock(join(dir, 'data.json'), { label: 'file', timeout: 200 });
    writeHolder(lock.path, deadPid());
    expect(await lock.run(async () => 'ran')).toBe('ran');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('waits for a holder of this host name in another PID namespace, whose pid means nothing here', async () => {
    const lock = new FileLock(join(dir, 'data.json'), { label: 'file', timeout: 150 });
    writeHolder(lock.path, deadPid(), hostname(), 'pid:[another container]');
    expect(await lock.run(async () => 'ran').catch((e: unknown) => (e as Error).name)).toBe('LockedError');
  });

  it('waits for a live holder on this host, judged by its pid', async () => {
    const lock = new FileLock(join(dir, 'data.json'), { label: 'file', timeout: 150 });
    writeHolder(lock.path, process.ppid);
    expect(await lock.run(async () => 'ran').catch((e: unknown) => (e as Error).name)).toBe('LockedError');
  });

  it('breaks a lock naming this pid that this process never took (a dead process had the pid)', async () => {
    const lock = new FileLock(join(dir, 'data.json'), { label: 'file', timeout: 200 });
    writeHolder(lock.path, process.pid);
    expect(await lock.run(async () => 'ran')).toBe('ran');
  });

  it('breaks a lock left untouched for longer than staleAfter, even from a live or foreign holder', async () => {
    const lock = new FileLock(join(dir, 'data.json'), { label: 'file', timeout: 200, staleAfter: 1000 });
    writeHolder(lock.path, 1, 'another-host');
    const old = new Date(Date.now() - 5000);
    utimesSync(lock.path, old, old);
    expect(await lock.run(async () => 'ran')).toBe('ran');
  });

  it('waits for a live holder, then gives up with a transient ELOCKED error naming it', async () => {
    const lock = new FileLock(join(dir, 'data.json'), { label: 'json', timeout: 150 });
    writeHolder(lock.path, process.ppid, 'another-host');
    const error = await lock.run(async () => 'ran').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect(error).toMatchObject({ code: 'ELOCKED', transient: true, provider: 'json' });
    expect((error as Error).message).toContain(`locked by pid ${process.ppid} on another-host`);
    expect(failureKind(error)).toBe('transient');
    expect(existsSync(lock.path)).toBe(true);
  });

  it('a holder keeps its lock fresh, so a long task is not taken over', async () => {
    const lock = new FileLock(join(dir, 'data.json'), { label: 'file', staleAfter: 300, refreshEvery: 50 });
    const rival = new FileLock(join(dir, 'data.json'), { label: 'file', staleAfter: 300, timeout: 100 });
    const outcome = await lock.run(async () => {
      await new Promise((done) => setTimeout(done, 500));
      return rival.run(async () => 'rival got in').catch((e: unknown) => (e as Error).name);
    });
    expect(outcome).toBe('LockedError');
  });

  it('release leaves alone a lock that is no longer its own', async () => {
    const lock = new FileLock(join(dir, 'data.json'), { label: 'file' });
    const held = await lock.acquire();
    writeHolder(lock.path, process.ppid, 'another-host');
    await held.release();
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ hostname: 'another-host' });
  });

  it('clearStale removes a dead holder\'s lock and keeps a live one', async () => {
    const lock = new FileLock(join(dir, 'data.json'), { label: 'file' });
    writeHolder(lock.path, deadPid());
    await lock.clearStale();
    expect(existsSync(lock.path)).toBe(false);
    writeHolder(lock.path, process.ppid);
    await lock.clearStale();
    expect(existsSync(lock.path)).toBe(true);
  });
});
