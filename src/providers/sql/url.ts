import { isAbsolute, resolve } from 'node:path';
import { maskUrl } from '../../core/secrets.js';

// Kept here too, where database URLs are read: the sql provider imports it from this module.
export { maskUrl };

/** A parsed `url` of an sql provider (docs/manifest.md). */
export type DatabaseUrl =
  | { dialect: 'sqlite'; path: string | ':memory:' }
  | { dialect: 'postgres'; connectionString: string }
  | { dialect: 'mysql'; connectionString: string }
  | { dialect: 'pglite'; path: string | 'memory' };

/** The URL forms historian accepts, for error messages. */
export const SUPPORTED_URLS = [
  'sqlite:///relative/path.db',
  'sqlite:////absolute/path.db',
  'sqlite:///:memory:',
  'postgresql://user:pass@host:5432/db',
  'postgres://…',
  // No second `user:pass@`: masking would hide everything between the two (see core/secrets.ts).
  'mysql://host:3306/db',
  'mariadb://…',
  'pglite:///relative/dir',
  'pglite://memory',
];

/**
 * Parses a database URL; relative SQLite files and PGlite folders resolve against `baseDir`.
 * Throws an `Error` whose message names the supported forms (and never the password).
 */
export function parseDatabaseUrl(url: string, baseDir = process.cwd()): DatabaseUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  const rest = (prefix: string) => url.slice(prefix.length);
  if (scheme === 'sqlite' && url.startsWith('sqlite:///')) {
    const path = rest('sqlite:///');
    if (path === ':memory:') return { dialect: 'sqlite', path };
    if (!path) throw new Error('sqlite URL has no file path (expected sqlite:///file.db)');
    return { dialect: 'sqlite', path: isAbsolute(path) ? path : resolve(baseDir, path) };
  }
  if (scheme === 'postgresql' || scheme === 'postgres') {
    if (!/^postgres(ql)?:\/\/[^/]/i.test(url)) throw new Error(`PostgreSQL URL has no host: ${maskUrl(url)}`);
    return { dialect: 'postgres', connectionString: url };
  }
  if (scheme === 'mysql' || scheme === 'mariadb') {
    if (!/^(mysql|mariadb):\/\/[^/]/i.test(url)) throw new Error(`MySQL URL has no host: ${maskUrl(url)}`);
    return { dialect: 'mysql', connectionString: url };
  }
  if (scheme === 'pglite') {
    if (url === 'pglite://memory') return { dialect: 'pglite', path: 'memory' };
    if (url.startsWith('pglite:///') && url.length > 'pglite:///'.length) {
      const path = rest('pglite:///');
      return { dialect: 'pglite', path: isAbsolute(path) ? path : resolve(baseDir, path) };
    }
  }
  throw new Error(`unsupported database URL "${maskUrl(url)}"; expected one of ${SUPPORTED_URLS.join(', ')}`);
}
