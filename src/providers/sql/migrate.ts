import { ProviderError } from '../../core/errors.js';
import type { SearchReport, SqlBackend, Statements } from './dialect.js';
import { describeMissing, planMigration, type MigrationPlan } from './plan.js';
import { SCHEMA_VERSION } from './schema/index.js';

/** The migration plan of a connected database (inside a transaction when given its statements). */
export async function migrationPlan(backend: SqlBackend, statements: Statements = backend.statements): Promise<MigrationPlan> {
  const live = await backend.dialect.liveSchema(statements);
  const plan = planMigration(backend.dialect.declared(), live);
  const search = backend.dialect.search;
  if (search && !search.present(live)) {
    plan.missingSearch = search.name;
    plan.searchSql = [...search.createSql];
  }
  return plan;
}

/** Whether a plan changes anything. */
export function planIsEmpty(plan: MigrationPlan): boolean {
  return plan.statements.length === 0 && plan.missingSearch === undefined;
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
 * The search index follows, built in batches of its own (`buildSearch`).
 */
export async function applyMigration(backend: SqlBackend, report: SearchReport = {}): Promise<MigrationPlan> {
  const plan = await backend.transaction(async (s) => {
    await s.lockMigration();
    const plan = await migrationPlan(backend, s);
    if (plan.statements.length === 0) return plan;
    for (const statement of plan.statements) await s.execute(statement);
    await recordSchemaVersion(s);
    return plan;
  });
  await buildSearch(backend, report);
  return plan;
}

/**
 * Creates the search index if missing and fills it for the rows stored before, or finishes a
 * build left unfinished; then reads use it. A database that cannot have one (warned) scans.
 */
export async function buildSearch(backend: SqlBackend, report: SearchReport = {}): Promise<void> {
  const search = backend.dialect.search;
  backend.searchReady = search ? await search.build(backend, report) : false;
}

/**
 * Brings the schema up to date on open: with `auto_migration` adds what is missing; without it,
 * throws a `ProviderError` naming what is missing and the command that adds it. A missing search
 * index fails nothing: without auto-migration the text filter scans until `historian migrate`.
 */
export async function ensureSchema(backend: SqlBackend, autoMigration: boolean, label: string, report: SearchReport = {}): Promise<void> {
  const plan = await migrationPlan(backend);
  if (plan.statements.length > 0 && !autoMigration) {
    throw new ProviderError(
      `database ${backend.where} is missing ${describeMissing(plan)}; run \`historian migrate\` (or set auto_migration: true)`,
      label,
    );
  }
  if (autoMigration) {
    if (plan.statements.length > 0) await applyMigration(backend, report);
    else await buildSearch(backend, report);
    return;
  }
  backend.searchReady = (await backend.dialect.search?.ready(backend.statements)) ?? false;
}
