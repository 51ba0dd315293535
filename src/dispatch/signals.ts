import { constants } from 'node:os';
import type { Historian } from './historian.js';

/** The signals a process is asked to stop with: Ctrl-C, and `kill` / container runtimes. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** How long closing may take after a signal before historian gives up waiting, by default. */
export const DEFAULT_SHUTDOWN_TIMEOUT = 5_000;

/** What a shutdown did, for `onClose`. */
export interface ShutdownReport {
  /** The signal that started it. */
  signal: NodeJS.Signals;
  /** Entries each provider stored since the logger opened, per provider label. */
  stored: Record<string, number>;
  /** Entries each provider refused and the logger set aside in its dead-letter file, per provider label. */
  rejected: Record<string, number>;
  /** Entries still queued when historian stopped waiting, per provider label: these were not stored. */
  pending: Record<string, number>;
  /** True when closing did not finish in time (or a second signal cut it short). */
  timedOut: boolean;
  /** The error closing ended with (a provider that kept failing), if any. */
  error?: unknown;
}

/** Options of `closeOnSignals`. */
export interface CloseOnSignalsOptions {
  /** Signals to handle; default SIGINT and SIGTERM. */
  signals?: readonly NodeJS.Signals[];
  /** Most milliseconds to wait for the flush and close; default 5000. A second signal stops waiting at once. */
  timeout?: number;
  /**
   * Called first, with the signal: stop logging here (end the agent loop, stop reading input).
   * `log()` keeps working until the providers are closed, then throws.
   */
  onSignal?: (signal: NodeJS.Signals) => void;
  /**
   * Called once closing finished or was given up. Default: a line on standard error when
   * entries were left unstored or closing failed, nothing otherwise.
   */
  onClose?: (report: ShutdownReport) => void;
}

/** Signals received so far: the first starts a shutdown, a second cuts its wait short. */
export interface SignalWatch {
  /** The first signal received, once there is one. */
  readonly received: NodeJS.Signals | undefined;
  /** Resolves with the first signal. */
  readonly first: Promise<NodeJS.Signals>;
  /** Resolves with the second signal. */
  readonly second: Promise<NodeJS.Signals>;
  /** Stops listening; the process's default handling of the signals comes back when no one else listens. */
  remove(): void;
}

/** Listens for `signals` until `remove()`; while listening, they no longer end the process on their own. */
export function watchSignals(signals: readonly NodeJS.Signals[] = STOP_SIGNALS): SignalWatch {
  let resolveFirst!: (signal: NodeJS.Signals) => void;
  let resolveSecond!: (signal: NodeJS.Signals) => void;
  const first = new Promise<NodeJS.Signals>((resolve) => (resolveFirst = resolve));
  const second = new Promise<NodeJS.Signals>((resolve) => (resolveSecond = resolve));
  const watch = {
    received: undefined as NodeJS.Signals | undefined,
    first,
    second,
    remove: () => signals.forEach((signal) => process.off(signal, handler)),
  };
  const handler = (signal: NodeJS.Signals) => {
    if (watch.received) return resolveSecond(signal);
    watch.received = signal;
    resolveFirst(signal);
  };
  signals.forEach((signal) => process.on(signal, handler));
  return watch;
}

/** The exit status of a process ended by `signal`, as shells report it: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** A timer that resolves after `ms`, or at once when `sooner` resolves; `cancel` clears it. */
export function waitAtMost(ms: number, sooner?: Promise<unknown>): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  const done = sooner ? Promise.race([elapsed, sooner.then(() => undefined)]) : elapsed;
  return { done, cancel: () => clearTimeout(timer) };
}

/**
 * Flushes and closes `historian`, but stops waiting when `deadline` resolves: a provider that is
 * down (a database that does not answer) must not hold a stopping process forever. What was
 * not stored by then is in `historian.pending()`.
 */
export async function closeWithin(historian: Historian, deadline: Promise<unknown>): Promise<{ timedOut: boolean; error?: unknown }> {
  const closed = historian.close().then(
    () => ({ timedOut: false }),
    (error: unknown) => ({ timedOut: false, error }),
  );
  return Promise.race([closed, deadline.then(() => ({ timedOut: true }))]);
}

/** Entries stored per provider, all types together. */
function storedCounts(historian: Historian): Record<string, number> {
  const counts = Object.entries(historian.written()).map(([label, byType]) => [label, Object.values(byType).reduce((a, b) => a + (b ?? 0), 0)]);
  return Object.fromEntries(counts);
}

/** What a shutdown by `signal` did. */
export function shutdownReport(historian: Historian, signal: NodeJS.Signals, outcome: { timedOut: boolean; error?: unknown }): ShutdownReport {
  return { signal, stored: storedCounts(historian), rejected: historian.rejected(), pending: historian.pending(), ...outcome };
}

/** Entries left unstored, as `sql: 40, file: 12`, or '' when none. */
export function describePending(pending: Record<string, number>): string {
  return Object.entries(pending)
    .filter(([, count]) => count > 0)
    .map(([label, count]) => `${label}: ${count}`)
    .join(', ');
}

/** The default `onClose`: says so when entries were left unstored or closing failed. */
function reportLoss(report: ShutdownReport): void {
  const unstored = describePending(report.pending);
  const problems = [
    report.timedOut ? 'stopped waiting for the providers to close' : '',
    unstored ? `entries not stored (${unstored})` : '',
    report.error ? `closing failed: ${report.error instanceof Error ? report.error.message : String(report.error)}` : '',
  ].filter(Boolean);
  if (problems.length > 0) process.stderr.write(`historian: ${report.signal}: ${problems.join('; ')}\n`);
}

/**
 * On SIGINT or SIGTERM, flushes and closes `historian` within a bounded time, then lets the
 * signal end the process as it would have without historian, so the exit status stays the
 * conventional one (130, 143). When the application listens for the signal too, historian
 * leaves the ending to it. Returns a function that removes the handlers.
 *
 * ```ts
 * const historian = await createHistorian('agents.yml');
 * closeOnSignals(historian, { onSignal: () => agent.stop() });
 * ```
 */
export function closeOnSignals(historian: Historian, options: CloseOnSignalsOptions = {}): () => void {
  const watch = watchSignals(options.signals ?? STOP_SIGNALS);
  void watch.first.then((signal) => shutDown(historian, signal, watch, options));
  return watch.remove;
}

async function shutDown(historian: Historian, signal: NodeJS.Signals, watch: SignalWatch, options: CloseOnSignalsOptions): Promise<void> {
  // A throwing callback must not stop the flush, nor leave the process unable to end.
  const guarded = (callback: () => void) => {
    try {
      callback();
    } catch (error) {
      process.stderr.write(`historian: ${signal}: a shutdown callback failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  guarded(() => options.onSignal?.(signal));
  const wait = waitAtMost(options.timeout ?? DEFAULT_SHUTDOWN_TIMEOUT, watch.second);
  const outcome = await closeWithin(historian, wait.done);
  wait.cancel();
  watch.remove();
  guarded(() => (options.onClose ?? reportLoss)(shutdownReport(historian, signal, outcome)));
  // Re-raised only when nobody else handles it: another listener means the application ends the process itself.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
