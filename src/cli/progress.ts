import { SingleBar } from 'cli-progress';

/** A progress reporter: a bar on a terminal, nothing otherwise (callers print a summary either way). */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal; `unit` names what is counted. */
export function progress(label: string, unit = 'entries'): Progress {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} ${unit}`, stream: process.stderr, hideCursor: true, clearOnComplete: true });
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, done);
      started = true;
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

/**
 * Progress of named tasks (`onProgress` of createHistorian, `historian migrate`): one bar per
 * task on a terminal, stopped when the task reaches its total.
 */
export function taskProgress(): (task: string, done: number, total: number) => void {
  const bars = new Map<string, Progress>();
  return (task, done, total) => {
    let bar = bars.get(task);
    if (!bar) bars.set(task, (bar = progress(task, '')));
    bar.update(done, total);
    if (done >= total) bar.stop();
  };
}
