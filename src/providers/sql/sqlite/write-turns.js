// @ts-check
// Turns at a SQLite file's write lock between the thread that logs and the search index's
// follower thread (search-follower.js). The logging thread always goes first: it awaits its
// turn without blocking the agent's event loop (SQLite's busy handler would put it to sleep),
// and the follower takes the lock only once the logging thread has written nothing for a
// moment, unless the index is far behind. So under a burst of writes the index falls behind,
// which costs searches a scan of what it has not reached (never a result), and catches up when
// the writes pause.
// Plain JavaScript: the follower thread runs it without a TypeScript step.

/** Slots of the shared memory: who holds the lock, how many writer turns wait, how many ended. */
const LOCK = 0;
const WAITING = 1;
const ENDED = 2;

/** Holders of the lock. */
const FREE = 0;
const FOLLOWER = 1;
const WRITER = 2;

/** How long one wait lasts before the holder is looked at again (a thread that died is let go by its owner). */
const WAIT_MS = 1_000;

/** How long the logging thread must have written nothing before the follower takes the lock. */
const QUIET_MS = 25;

/** @returns {SharedArrayBuffer} The shared memory of one file's turns, to hand to the follower. */
export function turnsMemory() {
  return new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
}

/**
 * Waits, without blocking the event loop, until the logging thread holds the lock: at once,
 * unless the follower is indexing a chunk.
 * @param {SharedArrayBuffer} memory
 * @returns {Promise<void>}
 */
export async function writerTurn(memory) {
  const view = new Int32Array(memory);
  Atomics.add(view, WAITING, 1);
  try {
    for (let holder; (holder = Atomics.compareExchange(view, LOCK, FREE, WRITER)) !== FREE; ) {
      const wait = Atomics.waitAsync(view, LOCK, holder, WAIT_MS);
      if (!wait.async) continue;
      // A pending waitAsync does not keep Node's event loop alive: this timer does, so a
      // process whose last work is this write does not end before it.
      const alive = setTimeout(() => undefined, WAIT_MS);
      await wait.value;
      clearTimeout(alive);
    }
  } finally {
    Atomics.sub(view, WAITING, 1);
  }
}

/**
 * Gives the logging thread's lock back.
 * @param {SharedArrayBuffer} memory
 */
export function endWriterTurn(memory) {
  const view = new Int32Array(memory);
  Atomics.store(view, LOCK, FREE);
  Atomics.add(view, ENDED, 1);
  Atomics.notify(view, LOCK);
  Atomics.notify(view, ENDED);
}

/**
 * The follower's side. `take` blocks its thread until it holds the lock, never while the logging
 * thread holds it. Not `urgent`: never while that thread waits for it either, and, when it has
 * written since the follower's last turn, only once it has written nothing for `QUIET_MS`.
 * `urgent` (the index is far behind): as soon as the lock is free, taking turns with a waiting
 * writer. `give` gives the lock back.
 * @param {SharedArrayBuffer} memory
 */
export function followerTurns(memory) {
  const view = new Int32Array(memory);
  let seen = Atomics.load(view, ENDED);
  /** Whether the follower must let the logging thread go first now, having waited for it if so. */
  const yielded = (/** @type {boolean} */ urgent) => {
    const holder = Atomics.load(view, LOCK);
    const ended = Atomics.load(view, ENDED);
    const waiting = Atomics.load(view, WAITING) > 0;
    if (holder === WRITER) Atomics.wait(view, LOCK, WRITER, QUIET_MS);
    else if (waiting && (!urgent || ended === seen)) Atomics.wait(view, ENDED, ended, QUIET_MS);
    else if (!urgent && ended !== seen) {
      if (Atomics.wait(view, ENDED, ended, QUIET_MS) === 'timed-out') seen = ended;
    } else return false;
    return true;
  };
  return {
    /** @param {boolean} urgent */
    take(urgent) {
      for (;;) {
        if (yielded(urgent)) continue;
        const ended = Atomics.load(view, ENDED);
        if (Atomics.compareExchange(view, LOCK, FREE, FOLLOWER) !== FREE) continue;
        seen = ended;
        return;
      }
    },
    give() {
      releaseFollower(memory);
    },
  };
}

/**
 * Frees the lock if the follower holds it: at the end of its turn, or for a follower thread that
 * ended holding it.
 * @param {SharedArrayBuffer} memory
 */
export function releaseFollower(memory) {
  const view = new Int32Array(memory);
  if (Atomics.compareExchange(view, LOCK, FOLLOWER, FREE) === FOLLOWER) Atomics.notify(view, LOCK);
}
