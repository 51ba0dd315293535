// @ts-check
// Turns at a SQLite file's write lock between the thread that logs and the search index's
// follower thread (search-follower.js). The logging thread goes first: it awaits its turn
// without blocking the agent's event loop (SQLite's busy handler would put it to sleep), and
// the follower takes the lock only once the logging thread neither holds it nor waits for it
// and has written nothing for a moment. So under a burst of writes the index falls behind,
// which costs searches a scan of what it has not reached (never a result), and catches up when
// the writes pause. Once it is far behind, the follower is urgent: it asks for the next turn,
// and the logging thread lets it have one between two of its own.
// Plain JavaScript: the follower thread runs it without a TypeScript step.

/** Slots of the shared memory. */
const LOCK = 0; // who holds the lock
const WAITING = 1; // how many writer turns wait
const ENDED = 2; // how many writer turns ended
const WANTED = 3; // an urgent follower's ask: the writer turns that end before its turn, plus one (0: no ask)

/** Holders of the lock. */
const FREE = 0;
const FOLLOWER = 1;
const WRITER = 2;

/** How long one wait lasts before the state is looked at again (a thread that died is let go by its owner). */
const WAIT_MS = 1_000;

/** How long the logging thread must have written nothing before a follower that is not urgent takes the lock. */
const QUIET_MS = 25;

/** @returns {SharedArrayBuffer} The shared memory of one file's turns, to hand to the follower. */
export function turnsMemory() {
  return new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
}

/**
 * Waits for `view[slot]` to change from `value`, without blocking the event loop.
 * @param {Int32Array} view
 * @param {number} slot
 * @param {number} value
 */
async function changed(view, slot, value) {
  const wait = Atomics.waitAsync(view, slot, value, WAIT_MS);
  if (!wait.async) return;
  // A pending waitAsync does not keep Node's event loop alive: this timer does, so a process
  // whose last work is this write does not end before it.
  const alive = setTimeout(() => undefined, WAIT_MS);
  await wait.value;
  clearTimeout(alive);
}

/**
 * Waits, without blocking the event loop, until the logging thread holds the lock: at once,
 * unless the follower is indexing a chunk or, urgent, asks for the next turn.
 * @param {SharedArrayBuffer} memory
 * @returns {Promise<void>}
 */
export async function writerTurn(memory) {
  const view = new Int32Array(memory);
  Atomics.add(view, WAITING, 1);
  try {
    // An urgent follower's ask is due once as many writer turns have ended as it let go first.
    for (let asked; (asked = Atomics.load(view, WANTED)) !== 0 && ((Atomics.load(view, ENDED) + 1 - asked) | 0) >= 0; ) await changed(view, WANTED, asked);
    for (let holder; (holder = Atomics.compareExchange(view, LOCK, FREE, WRITER)) !== FREE; ) await changed(view, LOCK, holder);
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
 * The follower's side.
 * - `take` blocks until the follower holds the lock, never while the logging thread holds it.
 *   While `urgent()` is false: never while that thread waits for it either, and, when it has
 *   written since the follower's last turn, only once it has written nothing for `quietMs`.
 *   While `urgent()` is true: it asks for the next turn, which the logging thread leaves it, and
 *   takes no second one before a waiting logging thread has had its own.
 * - `give` gives the lock back.
 * @param {SharedArrayBuffer} memory
 * @param {number} [quietMs]
 */
export function followerTurns(memory, quietMs = QUIET_MS) {
  const view = new Int32Array(memory);
  // As if the writer had ended a turn since: the first turn, too, waits for it to be quiet.
  let seen = (Atomics.load(view, ENDED) - 1) | 0;
  /**
   * Asks for the turn after `ended` writer turns have ended, or withdraws the ask (undefined),
   * waking a writer that waits on it.
   * @param {number | undefined} ended
   */
  const ask = (ended) => {
    const asked = ended === undefined ? 0 : (ended + 1) | 0 || 1;
    if (Atomics.exchange(view, WANTED, asked) !== asked) Atomics.notify(view, WANTED);
  };
  return {
    /** @param {() => boolean} urgent */
    take(urgent) {
      for (;;) {
        const holder = Atomics.load(view, LOCK);
        const ended = Atomics.load(view, ENDED);
        const waiting = Atomics.load(view, WAITING) > 0;
        const now = urgent();
        // A waiting writer that has had no turn since the follower's last one goes first.
        const writersTurn = waiting && ended === seen;
        ask(now ? (writersTurn ? ended + 1 : ended) : undefined);
        if (holder === WRITER) Atomics.wait(view, LOCK, WRITER, quietMs);
        else if (writersTurn || (waiting && !now)) Atomics.wait(view, ENDED, ended, quietMs);
        else if (!now && ended !== seen) {
          if (Atomics.wait(view, ENDED, ended, quietMs) === 'timed-out') seen = ended;
        } else if (Atomics.compareExchange(view, LOCK, FREE, FOLLOWER) === FREE) {
          seen = ended;
          ask(undefined);
          return;
        }
      }
    },
    give() {
      releaseFollower(memory);
    },
  };
}

/**
 * Frees the lock if the follower holds it, and withdraws its ask for a turn: at the end of its
 * turn, or for a follower thread that ended.
 * @param {SharedArrayBuffer} memory
 */
export function releaseFollower(memory) {
  const view = new Int32Array(memory);
  if (Atomics.exchange(view, WANTED, 0) !== 0) Atomics.notify(view, WANTED);
  if (Atomics.compareExchange(view, LOCK, FOLLOWER, FREE) === FOLLOWER) Atomics.notify(view, LOCK);
}
