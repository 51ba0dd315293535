import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { link, open, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { ProviderError } from '../core/errors.js';
import { isRunning, removeStaleTemps } from './atomic.js';

/** What a lock file holds: who took it, when, and a nonce only its holder knows. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** The holder's PID namespace (Linux), so containers sharing a host name never judge each other's pids. */
  pidns?: string;
  nonce: string;
  /** ISO 8601 time the lock was taken. */
  acquired: string;
}

/** How long to wait for a lock, and when a lock counts as abandoned. */
export interface LockOptions {
  /** The provider's label, for the error thrown when the wait times out. */
  label: string;
  /** Longest wait for the lock before giving up with `LockedError`, in ms. Default 10 s. */
  timeout?: number;
  /** A lock whose file was not touched for this long is abandoned, in ms. Default 30 s. */
  staleAfter?: number;
  /** How often the holder touches its lock file, in ms. Default 5 s. */
  refreshEvery?: number;
}

/**
 * The lock could not be taken in time: another process holds it and keeps it fresh. Transient
 * (code `ELOCKED`): the write is retried later.
 */
export class LockedError extends ProviderError {
  override name = 'LockedError';
  readonly code = 'ELOCKED';
  constructor(
    message: string,
    provider: string,
    /** The holder as its lock file named it, or null when the file could not be read. */
    readonly holder: LockHolder | null,
  ) {
    super(message, provider, { transient: true });
  }
}

/** A lock file as read: its holder (null while being written, or unreadable) and its identity. */
interface LockFile {
  holder: LockHolder | null;
  ino: number;
  mtimeMs: number;
}

/**
 * The start of every nonce this process writes. A lock naming our pid but not this token was
 * left by a dead process that had the same pid (pids are reused, in containers quickly).
 */
const PROCESS_TOKEN = randomBytes(6).toString('hex');

/**
 * This process's PID namespace, e.g. `pid:[4026531836]` ('' where /proc has none). Two
 * containers may share a host name (host networking, a fixed `hostname:`) yet not each
 * other's pids: a pid is only checked for liveness within its own namespace.
 */
const PID_NAMESPACE = (() => {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
})();
let locksTaken = 0;

/**
 * An advisory lock shared by every process that writes one file: `<path>.lock`, created with
 * O_EXCL. Node has no flock, and a lock file works on every local file system. The holder
 * touches the file every few seconds, so a lock left by a process that died (its pid is gone
 * on this host) or froze (the file has gone untouched for `staleAfter`) is broken by the next
 * writer instead of blocking the file forever.
 */
export class FileLock {
  /** The lock file. */
  readonly path: string;
  private readonly timeout: number;
  private readonly staleAfter: number;
  private readonly refreshEvery: number;

  constructor(
    /** The file the lock guards. */
    readonly target: string,
    private readonly options: LockOptions,
  ) {
    this.path = `${target}.lock`;
    this.timeout = options.timeout ?? 10_000;
    this.staleAfter = options.staleAfter ?? 30_000;
    this.refreshEvery = options.refreshEvery ?? 5_000;
  }

  /** Runs `task` while holding the lock; the lock is released whatever the task does. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const held = await this.acquire();
    try {
      return await task();
    } finally {
      await held.release();
    }
  }

  /** Takes the lock, waiting with backoff; throws `LockedError` once `timeout` has passed. */
  async acquire(): Promise<HeldLock> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const held = await this.tryCreate();
      if (held) return held;
      const current = await readLockFile(this.path);
      // Released between our attempt and the read, or an abandoned lock just broken: try again at once.
      if (current === null) continue;
      if (this.isStale(current) && (await breakLock(this.path, current))) continue;
      if (Date.now() - started >= this.timeout) throw this.timedOut(current.holder, Date.now() - started);
      await sleep(Math.min(100, 2 * 1.5 ** attempt) * (0.5 + Math.random()));
    }
  }

  /** Removes the lock file if a dead or frozen holder left it (at open, so a killed writer leaves nothing behind). */
  async clearStale(): Promise<void> {
    await removeStaleTemps(this.path);
    const current = await readLockFile(this.path);
    if (current !== null && this.isStale(current)) await breakLock(this.path, current);
  }

  /** Creates the lock file with our record, or returns null when it already exists. */
  private async tryCreate(): Promise<HeldLock | null> {
    const nonce = `${PROCESS_TOKEN}-${(++locksTaken).toString(36)}`;
    const holder: LockHolder = { pid: process.pid, hostname: hostname(), pidns: PID_NAMESPACE, nonce, acquired: new Date().toISOString() };
    if (!(await createLockFile(this.path, holder))) return null;
    return new HeldLock(this.path, nonce, this.refreshEvery);
  }

  private isStale(lock: LockFile): boolean {
    if (Date.now() - lock.mtimeMs > this.staleAfter) return true;
    const holder = lock.holder;
    // Another machine's or another container's pid says nothing here: only the age does.
    if (holder === null || holder.hostname !== hostname() || (holder.pidns ?? '') !== PID_NAMESPACE) return false;
    if (holder.pid === process.pid) return !holder.nonce.startsWith(`${PROCESS_TOKEN}-`);
    return !isRunning(holder.pid);
  }

  private timedOut(holder: LockHolder | null, waited: number): LockedError {
    const who = holder ? `pid ${holder.pid} on ${holder.hostname} (since ${holder.acquired})` : 'a process that has not written its record yet';
    const message = `${this.target} is locked by ${who}; gave up after ${(waited / 1000).toFixed(1)} s (the lock file ${this.path} is broken once its holder is gone or it is ${Math.round(this.staleAfter / 1000)} s old)`;
    return new LockedError(message, this.options.label, holder);
  }
}

/** A lock this process holds: kept fresh until released. */
export class HeldLock {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly path: string,
    private readonly nonce: string,
    refreshEvery: number,
  ) {
    this.timer = setInterval(() => void this.refresh(), refreshEvery);
    this.timer.unref();
  }

  /** Removes the lock file if it is still ours (a lock judged stale may have been taken over). */
  async release(): Promise<void> {
    clearInterval(this.timer);
    const current = await readLockFile(this.path).catch(() => null);
    // A failed unlink must not fail the work done under the lock: the file then turns stale.
    if (current?.holder?.nonce === this.nonce) await unlink(this.path).catch(() => undefined);
  }

  private async refresh(): Promise<void> {
    const current = await readLockFile(this.path).catch(() => null);
    if (current?.holder?.nonce !== this.nonce) return;
    const now = new Date();
    await utimes(this.path, now, now).catch(() => undefined);
  }
}

/**
 * Creates the lock file holding `holder`; false when it already exists. The record is written
 * whole beside the lock and linked into place (link fails when the lock exists), so a lock file
 * is never seen half-written: a writer killed in between leaves only its temporary file, which
 * `clearStale` removes. Where links are not supported, the file is created with O_EXCL instead.
 */
async function createLockFile(path: string, holder: LockHolder): Promise<boolean> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, JSON.stringify(holder));
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return createExclusive(path, holder);
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Creates the lock file with O_EXCL and writes its record; false when it already exists. */
async function createExclusive(path: string, holder: LockHolder): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } catch (error) {
    // A lock file without its record (a full disk) would only look stale after staleAfter.
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return true;
}

/** Reads a lock file, or returns null when there is none. */
async function readLockFile(path: string): Promise<LockFile | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const info = await handle.stat();
    return { holder: parseHolder(await handle.readFile('utf8')), ino: info.ino, mtimeMs: info.mtimeMs };
  } finally {
    await handle.close();
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.nonce === 'string') return value as LockHolder;
  } catch {
    // Being written by its creator right now, or damaged: judged by its age alone.
  }
  return null;
}

/** Whether two reads saw the same lock (not merely a lock at the same path). */
function sameLock(a: LockFile, b: LockFile): boolean {
  if (a.holder && b.holder) return a.holder.nonce === b.holder.nonce;
  return a.ino === b.ino && a.mtimeMs === b.mtimeMs;
}

/**
 * Breaks a lock judged stale. Deleting it outright could delete a fresh lock another waiter
 * took after our judgement; renaming it to a name of our own is atomic, and reading it there
 * tells whether we moved the one we judged. If not, it is put back (`link` fails rather than
 * overwrite a lock taken meanwhile). One race remains, as with any lock file: when a lock is
 * released, taken, moved aside and another taken, all between our read and our rename, the
 * lock we moved cannot be put back. It needs a stale lock to begin with: a writer that died.
 * @returns whether the judged lock is gone (false: it was taken over meanwhile and is left alone)
 */
async function breakLock(path: string, judged: LockFile): Promise<boolean> {
  // Judged a moment ago: if it has been released (and perhaps taken again) since, leave it.
  const now = await readLockFile(path);
  if (now === null) return true;
  if (!sameLock(now, judged)) return false;
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = await readLockFile(aside);
  if (moved === null) return true;
  const broken = sameLock(moved, judged);
  if (!broken) await restoreLock(aside, path);
  await unlink(aside).catch(() => undefined);
  return broken;
}

async function restoreLock(aside: string, path: string): Promise<void> {
  try {
    await link(aside, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    // File systems without hard links: a rename may overwrite a lock taken in the last instant.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') await rename(aside, path);
    else throw error;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
