import { ProviderError } from '../../core/errors.js';
import type { Db, SqlBackend } from './connect.js';
import { declaredTables } from './declared.js';
import { describeMissing, planMigration, type LiveSchema, type MigrationPlan } from './plan.js';
import { SCHEMA_VERSION } from './schema/index.js';

async function liveSqlite(backend: SqlBackend, db?: Db): Promise<LiveSchema> {
  const objects = await backend.query<{ type: string; name: string }>(
    "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'",
    db,
  );
  const tables = new Map<string, Set<string>>();
  for (const { name } of objects.filter((o) => o.type === 'table')) {
    const columns = await backend.query<{ name: string }>(`PRAGMA table_info("${name.replace(/"/g, '""')}")`, db);
    tables.set(name, new Set(columns.map((c) => c.name)));
  }
  return { tables, indexes: new Set(objects.filter((o) => o.type === 'index').map((o) => o.name)) };
}

async function livePostgres(backend: SqlBackend, db?: Db): Promise<LiveSchema> {
  const columns = await backend.query<{ table_name: string; column_name: string }>(
    'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()',
    db,
  );
  const indexes = await backend.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()', db);
  const tables = new Map<string, Set<string>>();
  for (const { table_name, column_name } of columns) {
    const known = tables.get(table_name) ?? new Set<string>();
    known.add(column_name);
    tables.set(table_name, known);
  }
  return { tables, indexes: new Set(indexes.map((i) => i.indexname)) };
}

/** Reads the live schema of the database, or of a transaction's `db` (PRAGMA table_info / information_schema). */
export function liveSchema(backend: SqlBackend, db?: Db): Promise<LiveSchema> {
  return backend.dialect === 'sqlite' ? liveSqlite(backend, db) : livePostgres(backend, db);
}

/** The migration plan of a connected database (inside a transaction when `db` is its handle). */
export async function migrationPlan(backend: SqlBackend, db?: Db): Promise<MigrationPlan> {
  return planMigration(declaredTables(backend.dialect), await liveSchema(backend, db));
}

/** The statement recording the schema version in `historian_meta`. */
export function schemaVersionSql(dialect: SqlBackend['dialect']): string {
  const upsert = dialect === 'sqlite' ? 'ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"' : 'ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value"';
  return `INSERT INTO "historian_meta" ("key", "value") VALUES ('schema_version', '${SCHEMA_VERSION}') ${upsert};`;
}

/** The advisory lock key migrations take on PostgreSQL (any fixed 64-bit number). */
const MIGRATION_LOCK = 4_817_254_019_113n;

/**
 * Adds whatever is missing in one transaction and records the schema version; returns the plan
 * applied. The plan is computed inside the transaction (under a lock on PostgreSQL), so a second
 * process opening the same database at the same moment waits and then finds nothing to add.
 */
export async function applyMigration(backend: SqlBackend): Promise<MigrationPlan> {
  return backend.transaction(async (db) => {
    // PostgreSQL runs concurrent CREATE TABLE IF NOT EXISTS side by side and one fails on the
    // catalog; one lock per database makes a second process wait, then find nothing to add.
    if (backend.dialect === 'postgres') await backend.execute(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`, db);
    const plan = await migrationPlan(backend, db);
    if (plan.statements.length === 0) return plan;
    for (const statement of plan.statements) await backend.execute(statement, db);
    await backend.execute(schemaVersionSql(backend.dialect), db);
    return plan;
  });
}

/**
 * Brings the schema up to date on open: with `auto_migration` adds what is missing; without it,
 * throws a `ProviderError` naming what is missing and the command that adds it.
 */
export async function ensureSchema(backend: SqlBackend, autoMigration: boolean, label: string): Promise<void> {
  const plan = await migrationPlan(backend);
  if (plan.statements.length === 0) return;
  if (!autoMigration) {
    throw new ProviderError(
      `database ${backend.where} is missing ${describeMissing(plan)}; run \`historian migrate\` (or set auto_migration: true)`,
      label,
    );
  }
  await applyMigration(backend);
}
