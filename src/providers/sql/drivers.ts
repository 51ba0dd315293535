import { ProviderError } from '../../core/errors.js';

/** The database driver packages historian loads on demand, only for the URLs that need them. */
export type DriverPackage = 'better-sqlite3' | 'pg' | 'mysql2' | '@electric-sql/pglite';

/** Whether `error` is Node failing to find `pkg` itself (not a module that `pkg` imports). */
function isMissing(error: unknown, pkg: DriverPackage): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${pkg}'`);
}

/**
 * Imports a driver (and the drizzle adapter that imports it) when a manifest first needs it.
 * `pg`, `mysql2` and PGlite are optional peer dependencies: without them, opening such a database is a
 * `ProviderError` that names the package and the command that installs it.
 */
export async function importDriver<T>(pkg: DriverPackage, where: string, label: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissing(error, pkg)) throw error;
    throw new ProviderError(`${where} needs the "${pkg}" package: npm install ${pkg}`, label, { transient: false });
  }
}
