import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { endWriterTurn, turnsMemory, writerTurn } from '../../src/providers/sql/sqlite/write-turns.js';

// The turns at a SQLite file's write lock between the logging thread (here, the test) and a real
// follower thread (fixtures/follower-turns.mjs). Shared slots: 0 who holds the lock by the
// test's own count, 1 overlaps seen, 2 the follower's turns, 3 the writer's turns, 4 the
// writer's turns when the follower took its first.

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function startFollower(memory: SharedArrayBuffer, seen: SharedArrayBuffer, urgent: boolean, turns: number) {
  const worker = new Worker(new URL('./fixtures/follower-turns.mjs', import.meta.url), { workerData: { memory, seen, urgent, turns } });
  return new Promise<void>((done, fail) => {
    worker.once('message', () => done());
    worker.once('error', fail);
  });
}

/** Takes `turns` writer turns, each holding the lock for about a millisecond, yielding between them. */
async function write(memory: SharedArrayBuffer, view: Int32Array, turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await writerTurn(memory);
    if (Atomics.compareExchange(view, 0, 0, 2) !== 0) Atomics.add(view, 1, 1);
    pause(1);
    Atomics.store(view, 0, 0);
    Atomics.add(view, 3, 1);
    endWriterTurn(memory);
    await new Promise((done) => setImmediate(done));
  }
}

describe('turns at the SQLite write lock', () => {
  it('are never held by the logging thread and an urgent follower at once, and both get theirs', { timeout: 20_000 }, async () => {
    const memory = turnsMemory();
    const seen = new SharedArrayBuffer(5 * 4);
    const view = new Int32Array(seen);
    const follower = startFollower(memory, seen, true, 200);
    await Promise.all([write(memory, view, 200), follower]);
    expect(Atomics.load(view, 1)).toBe(0);
    expect(Atomics.load(view, 2)).toBe(200);
    expect(Atomics.load(view, 3)).toBe(200);
  });

  it('go to the logging thread while it writes, unless the follower is urgent; the follower catches up once it stops', { timeout: 20_000 }, async () => {
    const memory = turnsMemory();
    const seen = new SharedArrayBuffer(5 * 4);
    const view = new Int32Array(seen);
    await writerTurn(memory);
    endWriterTurn(memory); // the follower has seen the logging thread write
    const follower = startFollower(memory, seen, false, 20);
    await write(memory, view, 300);
    // While the writes went on, the follower took few turns if any (only in a pause of the
    // logging thread's event loop longer than its quiet time); taking turns would have taken ~300.
    const during = Atomics.load(view, 2);
    expect(during).toBeLessThan(10);
    await follower;
    expect(Atomics.load(view, 2)).toBe(20);
    expect(Atomics.load(view, 1)).toBe(0);
  });
});
