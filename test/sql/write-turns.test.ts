import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { endWriterTurn, turnsMemory, writerTurn } from '../../src/providers/sql/sqlite/write-turns.js';

// The turns at a SQLite file's write lock between the logging thread (here, the test) and a real
// follower thread (fixtures/follower-turns.mjs, which names the shared slots).

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Starts a follower thread; resolves once it is about to take its first turn, with a promise of its end. */
async function startFollower(memory: SharedArrayBuffer, seen: SharedArrayBuffer, options: { urgent: boolean; turns?: number; quietMs?: number }) {
  const worker = new Worker(new URL('./fixtures/follower-turns.mjs', import.meta.url), { workerData: { memory, seen, ...options } });
  const next = () =>
    new Promise<void>((done, fail) => {
      worker.once('message', () => done());
      worker.once('error', fail);
    });
  await next();
  return { ended: next() };
}

/** Takes `turns` writer turns, each holding the lock for about a millisecond; `yielding` between them, else back to back. */
async function write(memory: SharedArrayBuffer, view: Int32Array, turns: number, yielding: boolean): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await writerTurn(memory);
    if (Atomics.compareExchange(view, 0, 0, 2) !== 0) Atomics.add(view, 1, 1);
    pause(1);
    Atomics.store(view, 0, 0);
    Atomics.add(view, 3, 1);
    endWriterTurn(memory);
    if (yielding) await new Promise((done) => setImmediate(done));
  }
}

describe('turns at the SQLite write lock', () => {
  it('are never held by two at once; an urgent follower gets turns between back-to-back writes', { timeout: 20_000 }, async () => {
    const memory = turnsMemory();
    const seen = new SharedArrayBuffer(6 * 4);
    const view = new Int32Array(seen);
    const follower = await startFollower(memory, seen, { urgent: true });
    await write(memory, view, 200, false);
    const during = Atomics.load(view, 2);
    Atomics.store(view, 5, 1);
    await follower.ended;
    expect(Atomics.load(view, 1)).toBe(0);
    expect(Atomics.load(view, 3)).toBe(200);
    // Taking turns: about one follower turn per writer turn. A writer that took every free lock
    // would leave it few; a follower that took every free lock would take thousands.
    expect(during).toBeGreaterThan(100);
    expect(during).toBeLessThan(220);
  });

  it('go to the logging thread while it writes, unless the follower is urgent; the follower catches up once it stops', { timeout: 20_000 }, async () => {
    const memory = turnsMemory();
    const seen = new SharedArrayBuffer(6 * 4);
    const view = new Int32Array(seen);
    // A quiet time far above this loop's pauses, so that a loaded machine does not open a gap.
    const follower = await startFollower(memory, seen, { urgent: false, turns: 20, quietMs: 200 });
    await write(memory, view, 300, true);
    expect(Atomics.load(view, 2)).toBe(0);
    await follower.ended;
    expect(Atomics.load(view, 2)).toBe(20);
    expect(Atomics.load(view, 1)).toBe(0);
  });
});
