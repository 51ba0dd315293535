import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HistorianError, QueryError } from '../core/errors.js';
import { maskSecrets } from '../core/secrets.js';
import { answer, NotFound } from './api.js';
import { checkToken, isLoopback, setCookie } from './auth.js';
import { Follower, type HistorySource } from './events.js';
import { COMPLETE_FINISH_REASONS } from '../core/finish-reasons.js';
import { uiFile } from './static.js';

export type { HistorySource } from './events.js';

/** How to run the console. */
export interface ConsoleOptions {
  source: HistorySource;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Required of every request when set. */
  token?: string | undefined;
  /** Serve /api/events, polling for new entries this often (ms). */
  follow?: number | undefined;
}

/** A running console. */
export interface RunningConsole {
  /** Its address, e.g. `http://127.0.0.1:4319/`. */
  url: string;
  close(): Promise<void>;
}

/** A request the console refuses, with its status. */
class Refusal extends HistorianError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Refuses to listen beyond this machine without a token: anyone who reached the port could read the history. */
function checkExposure(host: string, token: string | undefined): void {
  if (isLoopback(host) || token) return;
  throw new QueryError(
    `refusing to serve on ${host} without a token: anyone who can reach that address could read the history; ` +
      'pass --token (or set HISTORIAN_TOKEN), or bind to 127.0.0.1',
  );
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function send(response: ServerResponse, status: number, body: string | Buffer, type: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store', ...headers });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function statusOf(error: unknown): number {
  if (error instanceof Refusal) return error.status;
  if (error instanceof QueryError) return 400;
  if (error instanceof NotFound) return 404;
  return 500;
}

/** Starts the console: the JSON API under /api, the UI elsewhere. Read-only: anything but GET and HEAD is refused. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  checkExposure(options.host, options.token);
  const follower = options.follow === undefined ? undefined : new Follower(options.source, options.follow);
  const server = createServer((request, response) => {
    handle(request, response, options, follower).catch((error: unknown) => {
      const status = statusOf(error);
      const message = error instanceof HistorianError ? error.message : `the console failed: ${error instanceof Error ? error.message : String(error)}`;
      // A provider's message may quote a connection string; the console's own refusals are plain.
      const shown = error instanceof Refusal ? message : maskSecrets(message);
      if (response.headersSent) response.end();
      else if (request.url?.startsWith('/api/')) sendJson(response, status, { error: shown, status });
      else send(response, status, `historian console: ${shown}\n`, 'text/plain; charset=utf-8');
    });
  });
  await listen(server, options.port, options.host);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        follower?.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new HistorianError(`port ${port} on ${host} is in use: pass another --port (0 picks a free one)`, { cause: error }) : error),
    );
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
}

async function handle(request: IncomingMessage, response: ServerResponse, options: ConsoleOptions, follower: Follower | undefined): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://console.invalid');
  if (request.method !== 'GET' && request.method !== 'HEAD') throw new Refusal(405, `the console is read-only: ${request.method} is not allowed`);
  // A page of another site may resolve its own name to 127.0.0.1 (DNS rebinding): answer only to this machine's names.
  const hostName = (request.headers.host ?? '').replace(/:\d+$/, '');
  if (isLoopback(options.host) && !isLoopback(hostName)) throw new Refusal(403, `the console answers only to a loopback host name, not "${hostName}"`);
  if (options.token) {
    const standing = checkToken(request, url, options.token);
    if (standing === 'denied') throw new Refusal(401, 'a token is required: send Authorization: Bearer TOKEN, or open the console once with ?token=TOKEN');
    if (standing === 'exchange') {
      url.searchParams.delete('token');
      send(response, 303, '', 'text/plain', { location: url.pathname + url.search, 'set-cookie': setCookie(request, options.token) });
      return;
    }
  }
  if (url.pathname === '/api/events') {
    if (!follower) throw new NotFound('live updates are off: start historian serve with --follow');
    if (request.method === 'HEAD') return send(response, 200, '', 'text/event-stream');
    follower.add(response);
    return;
  }
  if (url.pathname === '/api/info') {
    const about = (h: { provider: string; storesRuns: boolean }) => ({ provider: h.provider, runs: h.storesRuns, follow: follower !== undefined, complete_finish_reasons: COMPLETE_FINISH_REASONS });
    sendJson(response, 200, await options.source.use(async (h) => about(h)));
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    const value = await options.source.use((history) => answer(history, url.pathname, url.searchParams));
    sendJson(response, 200, value);
    return;
  }
  const file = await uiFile(url.pathname);
  if (!file) throw new NotFound(`no page ${url.pathname}`);
  send(response, 200, file.body, file.type);
}
