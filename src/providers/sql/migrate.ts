import { ProviderError } from '../../core/errors.js';
import type { SqlBackend, Statements } from './dialect.js';
import { describeMissing, planMigration, type MigrationPlan } from './plan.js';
import { SCHEMA_VERSION } from './schema/index.js';

/** The migration plan of a connected database (inside a transaction when given its statements). */
export async function migrationPlan(backend: SqlBackend, statements: Statements = backend.statements): Promise<MigrationPlan> {
  return planMigration(backend.dialect.declared(), await backend.dialect.liveSchema(statements));
}

/** Records the schema version this code writes in `historian_meta`. */
export function recordSchemaVersion(statements: Statements): Promise<void> {
  return statements.setMeta('schema_version', String(SCHEMA_VERSION));
}

/**
 * Adds whatever is missing in one transaction and records the schema version; returns the plan
 * applied. The plan is computed inside the transaction under the migration lock, so a second
 * process opening the same database at the same moment waits and then finds nothing to add.
 * (PostgreSQL runs concurrent CREATE TABLE IF NOT EXISTS side by side and one fails on the catalog.)
 */
export async function applyMigration(backend: SqlBackend): Promise<MigrationPlan> {
  return backend.transaction(async (s) => {
    await s.lockMigration();
    const plan = await migrationPlan(backend, s);
    if (plan.statements.length === 0) return plan;
    for (const statement of plan.statements) await s.execute(statement);
    await recordSchemaVersion(s);
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
