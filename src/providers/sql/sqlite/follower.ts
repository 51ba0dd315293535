import { Worker } from 'node:worker_threads';
import { releaseFollower } from './write-turns.js';

/** The search index's follower thread, seen from the connection that logs (see search-follower.js). */
export interface Follower {
  /** Inside a write transaction: the thread is to index what it stores once it commits; false when the thread failed. */
  wake(): boolean;
  /** After a write transaction committed: wakes the thread if the transaction asked (starting it at the first wake). */
  committed(): void;
  /** Lets the thread catch up, then waits for it to end. */
  close(): Promise<void>;
}

/** What the follower thread runs and where. */
export interface FollowerOptions {
  path: string;
  timeout: number;
  memory: SharedArrayBuffer;
  chunkRows: number;
  lagRows: number;
  sql: { reached: string; last: string; fill: string; mark: string };
  /** Told once when the thread fails: searches stay exact (they scan what the index does not reach). */
  onError(error: Error): void;
  /** Where the index stands, read on the logging connection: the watermark and the newest rowid. */
  position(): { reached: number; last: number };
  /** Told how a close's catch-up goes, when there is one: rowids indexed of the newest at close. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** How often a close looks at how far the thread has got. */
const PROGRESS_MS = 100;

/**
 * A follower started at its first wake. The thread does not keep the process alive while it
 * waits; a process that ends without `close` leaves the rest to the next open's build.
 */
export function follower(options: FollowerOptions): Follower {
  const { onError, position, onProgress, ...data } = options;
  let worker: Worker | undefined;
  let failed = false;
  // A wake asked inside a transaction, posted once it commits: the thread would not see its rows before.
  let pending = false;
  const start = () => {
    const started = new Worker(new URL('./search-follower.js', import.meta.url), { workerData: data });
    const fail = (message: string) => {
      if (failed) return;
      failed = true;
      onError(new Error(message));
    };
    started.on('message', (message: { failed?: string }) => message.failed !== undefined && fail(message.failed));
    // A thread that could not start (its module, its driver): the error may arrive as a plain object.
    started.on('error', (error: unknown) => fail(error instanceof Error ? error.message : JSON.stringify(error)));
    started.on('exit', () => {
      releaseFollower(data.memory);
      worker = undefined;
    });
    // After the listeners: a 'message' listener refs the thread again.
    started.unref();
    return started;
  };
  return {
    wake() {
      if (failed) return false;
      pending = true;
      return true;
    },
    committed() {
      if (!pending || failed) return;
      pending = false;
      worker ??= start();
      worker.postMessage('wake');
    },
    async close() {
      if (worker === undefined) return;
      const running = worker;
      const ended = new Promise((done) => running.once('exit', done));
      running.ref();
      running.postMessage('close');
      await reportCatchUp(ended, position, onProgress);
    },
  };
}

/** Waits for `ended`, telling `onProgress` how the catch-up goes if the index is behind. */
async function reportCatchUp(ended: Promise<unknown>, position: FollowerOptions['position'], onProgress: FollowerOptions['onProgress']): Promise<void> {
  if (onProgress === undefined) return void (await ended);
  const total = position().last;
  let behind = false;
  const look = () => {
    const done = Math.min(position().reached, total);
    behind ||= done < total;
    if (behind) onProgress(done, total);
  };
  look();
  const timer = setInterval(look, PROGRESS_MS);
  try {
    await ended;
  } finally {
    clearInterval(timer);
  }
  if (behind) onProgress(total, total);
}
