import { addColumnSql, createIndexSql, createTableSql, type DeclaredTable } from './ddl.js';

/** The tables, columns and indexes a live database has. */
export interface LiveSchema {
  /** Column names per table. */
  tables: Map<string, Set<string>>;
  indexes: Set<string>;
}

/** What a database lacks compared with the declared schema, and the DDL that adds it. */
export interface MigrationPlan {
  missingTables: string[];
  /** `table.column` */
  missingColumns: string[];
  missingIndexes: string[];
  /** The statements that add everything missing, in order; empty when up to date. */
  statements: string[];
}

/**
 * What fills a column added to a table that has rows, by `table.column`: the same text in every
 * family. A message's agent is its conversation's (schema version 2).
 */
const BACKFILLS: Record<string, string> = {
  'messages.agent_name': 'UPDATE messages SET agent_name = (SELECT c.agent_name FROM conversations c WHERE c.conversation_id = messages.conversation_id);',
};

/** Compares the declared drizzle tables with a live schema. Never plans a drop. */
export function planMigration(declared: DeclaredTable[], live: LiveSchema): MigrationPlan {
  const plan: MigrationPlan = { missingTables: [], missingColumns: [], missingIndexes: [], statements: [] };
  for (const table of declared) {
    const columns = live.tables.get(table.name);
    if (!columns) {
      plan.missingTables.push(table.name);
      plan.statements.push(createTableSql(table));
    } else {
      for (const column of table.columns.filter((c) => !columns.has(c.name))) {
        plan.missingColumns.push(`${table.name}.${column.name}`);
        plan.statements.push(addColumnSql(table, column));
        const backfill = BACKFILLS[`${table.name}.${column.name}`];
        if (backfill) plan.statements.push(backfill);
      }
    }
    for (const index of table.indexes.filter((i) => !live.indexes.has(i.name))) {
      plan.missingIndexes.push(index.name);
      plan.statements.push(createIndexSql(table, index));
    }
  }
  return plan;
}

/** Describes what a plan adds, e.g. `tables messages, commands; columns messages.model_name`. */
export function describeMissing(plan: MigrationPlan): string {
  const parts: string[] = [];
  if (plan.missingTables.length > 0) parts.push(`tables ${plan.missingTables.join(', ')}`);
  if (plan.missingColumns.length > 0) parts.push(`columns ${plan.missingColumns.join(', ')}`);
  if (plan.missingIndexes.length > 0) parts.push(`indexes ${plan.missingIndexes.join(', ')}`);
  return parts.join('; ');
}
