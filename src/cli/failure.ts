import { maskSecrets } from '../core/secrets.js';
import { HistorianError, ManifestError, rootCause } from '../core/errors.js';
import { diagnostic, writeErr } from './output.js';
import { count } from '../core/count.js';

/** An error the CLI reports as bad usage (exit 2) rather than a runtime failure (exit 1). */
export class UsageError extends HistorianError {
  override name = 'UsageError';
}

/** Set to 1 to see stack traces of failures (for bug reports); otherwise a failure is one line. */
export const DEBUG_VARIABLE = 'HISTORIAN_DEBUG';

/** Stacks deeper than this are not printed (a cause chain can loop). */
const MAX_CAUSES = 10;

/**
 * The one line a failed command prints after `historian: `. Our own errors say what failed and
 * why (a provider's error ends with the root cause it chose to show, e.g. a timeout named by its
 * setting); anything else (a driver error that escaped, a bug) is named after the command that
 * was running, followed by its root cause.
 */
export function describeFailure(error: unknown, command: string): string {
  if (error instanceof HistorianError) return error.message.split('\n')[0]!;
  return `${command || 'historian'} failed: ${rootCause(error)}`;
}

/** Prints a failed command's error: a manifest's issues one per line, anything else on one line. */
export function reportFailure(error: unknown, command: string, env: NodeJS.ProcessEnv = process.env): void {
  if (error instanceof ManifestError) {
    diagnostic(`invalid manifest (${count(error.issues.length, 'problem')}):`);
    for (const line of error.message.split('\n')) writeErr(`  ${line}\n`);
  } else {
    diagnostic(describeFailure(error, command));
  }
  if (env[DEBUG_VARIABLE] === '1') writeErr(maskSecrets(stackOf(error)));
}

/** Every stack of the cause chain, for HISTORIAN_DEBUG=1. */
function stackOf(error: unknown): string {
  const stacks: string[] = [];
  let current = error;
  for (let depth = 0; depth <= MAX_CAUSES && current !== undefined; depth++) {
    stacks.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return `${stacks.join('\ncaused by: ')}\n`;
}
