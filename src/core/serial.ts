/**
 * A queue of async tasks run one at a time in the order given: a provider's writes, reads and
 * close never overlap on one file or connection. A failed task does not stop the ones after it.
 */
export function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
