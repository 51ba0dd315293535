import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The name of the cookie a one-time `?token=` sets, by the server's port: browsers send cookies to every port of a host, so
 * two consoles (or another local server) must not share one.
 */
function cookieName(port: number | undefined): string {
  return `historian_console_${port ?? 0}`;
}

/** Host names that reach only this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare) || bare === '::ffff:127.0.0.1';
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What the cookie holds: a digest of the token, so the token itself is not stored in the browser. */
function cookieValue(token: string): string {
  return createHash('sha256').update(`historian console\u0000${token}`).digest('base64url');
}

function cookieOf(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookieName(request.socket.localPort)) return value.join('=');
  }
  return undefined;
}

/**
 * How a request stands with the token: `ok` (a matching `Authorization: Bearer` header or
 * cookie), `exchange` (a matching `?token=`: set the cookie and drop it from the address), or
 * `denied`.
 */
export function checkToken(request: IncomingMessage, url: URL, token: string): 'ok' | 'exchange' | 'denied' {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return same(bearer.trim(), token) ? 'ok' : 'denied';
  const cookie = cookieOf(request);
  if (cookie !== undefined && same(cookie, cookieValue(token))) return url.searchParams.has('token') ? 'exchange' : 'ok';
  const given = url.searchParams.get('token');
  return given !== null && same(given, token) ? 'exchange' : 'denied';
}

/** The Set-Cookie header of the exchange: not readable by scripts, never sent by other sites. */
export function setCookie(request: IncomingMessage, token: string): string {
  return `${cookieName(request.socket.localPort)}=${cookieValue(token)}; HttpOnly; SameSite=Strict; Path=/`;
}
