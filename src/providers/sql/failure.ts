import { causeChain, driverCause, ProviderError, rootCause } from '../../core/errors.js';

/** The connection settings of an sql provider that failure messages refer to. */
export interface ConnectionConfig {
  url?: string | undefined;
  pool_size: number;
  connect_timeout_ms: number;
  query_timeout_ms: number;
}

/** The root cause of a failed database call in one line, with the setting to change after a timeout. */
export function describeDatabaseFailure(error: unknown, config: ConnectionConfig): string {
  const cause = rootCause(error);
  // pg reports a connect timeout around the error it caused ("Connection terminated unexpectedly").
  const said = causeChain(error).map((item) => (item instanceof Error ? item.message : '')).join('\n');
  if (/timeout exceeded when trying to connect|connection timeout/i.test(said)) {
    return `no answer within ${config.connect_timeout_ms} ms (connect_timeout_ms)`;
  }
  if (/query read timeout/i.test(said)) return `no answer within ${config.query_timeout_ms} ms (query_timeout_ms)`;
  if (/canceling statement due to statement timeout/i.test(cause)) return `${cause}; the limit is query_timeout_ms (${config.query_timeout_ms} ms)`;
  return maskInMessage(cause, config.url ?? '');
}

/** An error's message with the URL's password masked, in case a driver quoted the URL. */
export function maskInMessage(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@/\s]*)@/i.exec(url)?.[1];
  return password ? message.split(password).join('***') : message;
}

/**
 * Wraps a driver error as a `ProviderError` with the provider's label and the root cause in one
 * line: never the password, never the statement's parameters (which hold logged content).
 */
export function databaseFailure(what: string, where: string, config: ConnectionConfig, label: string) {
  return (error: unknown): never => {
    if (error instanceof ProviderError) throw error;
    throw new ProviderError(`${what} failed on ${where}: ${describeDatabaseFailure(error, config)}`, label, { cause: driverCause(error) });
  };
}
