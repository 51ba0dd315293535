// A test-only stand-in for `@electric-sql/pglite` (mocked in test/setup.ts); the library is unchanged.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Pglite from '@electric-sql/pglite';

type PgliteModule = typeof Pglite;
type Instance = InstanceType<PgliteModule['PGlite']>;

/** The in-memory databases of the current test file that no test holds now. */
const free: Instance[] = [];
/** Every one started in this test file, to stop them at its end. */
const started = new Set<Instance>();
let schemas = 0;

/**
 * Starting PGlite costs seconds of CPU: compiling its WebAssembly, then initdb. A schema costs
 * milliseconds. So each in-memory `new PGlite()` borrows a database this test file started
 * already, in a fresh schema of its own selected through `search_path` (as the PostgreSQL
 * server tests do), and its `close()` drops that schema and hands the database back. A test
 * that holds two at once gets two (`search_path` belongs to the session, and PGlite has one).
 * A new database, in memory or in an empty folder, loads `template` (the data directory that
 * initdb made once, in test/global-setup.ts) instead of running initdb again; a folder that
 * holds a database opens as it is.
 */
export function sharedPgliteModule(real: PgliteModule, template: string): PgliteModule {
  let tarball: Blob | undefined;
  const loadDataDir = () => (tarball ??= new Blob([readFileSync(template)]));
  function PGlite(...args: unknown[]): Instance {
    const [dataDir, options] = args as [unknown, Pglite.PGliteOptions | undefined];
    // In memory: `new PGlite()` or `new PGlite({ extensions })`.
    if (dataDir === undefined || (typeof dataDir === 'object' && dataDir !== null)) {
      return lend(() => new real.PGlite({ ...(dataDir as Pglite.PGliteOptions | undefined), loadDataDir: loadDataDir() }));
    }
    if (typeof dataDir !== 'string' || dataDir.includes('://') || existsSync(join(dataDir, 'PG_VERSION'))) return new real.PGlite(...(args as []));
    return new real.PGlite(dataDir, { ...options, loadDataDir: loadDataDir() });
  }
  Object.setPrototypeOf(PGlite, real.PGlite);
  PGlite.prototype = real.PGlite.prototype;
  return { ...real, PGlite: PGlite as unknown as PgliteModule['PGlite'] };
}

/** A database of this file (or a new one) under a fresh schema; `close()` drops the schema and hands it back. */
function lend(start: () => Instance): Instance {
  const db = free.pop() ?? track(start());
  const schema = `test_${++schemas}`;
  let closed = false;
  const ready = db.waitReady.then(() => db.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`)).then(() => undefined);
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await db.exec(`DROP SCHEMA ${schema} CASCADE; SET search_path TO public`);
      free.push(db);
    } catch {
      // A session left unusable (e.g. in an aborted transaction) is not lent again.
      started.delete(db);
      await db.close().catch(() => undefined);
    }
  };
  return new Proxy(db, {
    get(target, key) {
      if (key === 'waitReady') return ready;
      if (key === 'close') return close;
      if (key === 'closed') return closed;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function track(db: Instance): Instance {
  started.add(db);
  return db;
}

/** Stops the databases of a test file at its end (its worker process may run other files). */
export async function closeSharedPglite(): Promise<void> {
  const all = [...started];
  started.clear();
  free.length = 0;
  await Promise.all(all.map((db) => db.close().catch(() => undefined)));
}
