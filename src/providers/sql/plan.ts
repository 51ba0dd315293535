import { addColumnSql, createIndexSql, createTableSql, type DeclaredTable, type Family } from './ddl.js';

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
  /** The content-search index, when missing (built after the statements, in batches: search.ts). */
  missingSearch?: string;
  /** The statements that create the search index, as `--print-sql` shows them. */
  searchSql: string[];
  /** The statements that add everything missing, in order; empty when up to date. */
  statements: string[];
}

// A run's status from its facts: the later of its last run_finished and last run_failed decides.
const RUN_GROUPS = `SELECT run_id, min(session_id) AS session_id, min(agent_name) AS agent_name, min(timestamp) AS started_at,
  max(CASE WHEN kind = 'run_finished' THEN sequence END) AS finished, max(CASE WHEN kind = 'run_failed' THEN sequence END) AS failed
  FROM run_events GROUP BY run_id`;

/**
 * What fills a table or column added to a database that has rows, by `table` or `table.column`:
 * the same text in every family (schema version 2). A message's agent is its conversation's; a
 * run's row sums up its facts; the totals sum up the messages.
 */
const BACKFILLS: Record<string, string> = {
  'messages.agent_name': 'UPDATE messages SET agent_name = (SELECT c.agent_name FROM conversations c WHERE c.conversation_id = messages.conversation_id);',
  message_totals: `INSERT INTO message_totals (hour, agent_name, model, messages, total_tokens, prompt_tokens, completion_tokens,
    cache_read_tokens, cache_write_tokens, reasoning_tokens, cost)
  SELECT substr(timestamp, 1, 13), coalesce(agent_name, ''), coalesce(model, ''), count(*),
    coalesce(sum(total_tokens), 0), coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0),
    coalesce(sum(cache_read_tokens), 0), coalesce(sum(cache_write_tokens), 0), coalesce(sum(reasoning_tokens), 0), coalesce(sum(cost), 0)
  FROM messages GROUP BY substr(timestamp, 1, 13), coalesce(agent_name, ''), coalesce(model, '');`,
  runs: `INSERT INTO runs (run_id, session_id, agent_name, started_at, status, end_sequence)
  SELECT run_id, session_id, agent_name, started_at,
    CASE WHEN finished IS NULL AND failed IS NULL THEN 'running' WHEN failed IS NULL OR finished > failed THEN 'completed' ELSE 'failed' END,
    CASE WHEN failed IS NULL OR finished > failed THEN finished ELSE failed END
  FROM (${RUN_GROUPS}) g;`,
};

/**
 * The summary table rebuilt from its source rows when a column is added to it (schema version 4
 * added the cache and reasoning token sums to `message_totals`): rebuilt once, after its last
 * missing column is added.
 */
const REBUILT_WITH_COLUMN: Record<string, string> = {
  'message_totals.cache_read_tokens': 'message_totals',
  'message_totals.cache_write_tokens': 'message_totals',
  'message_totals.reasoning_tokens': 'message_totals',
};

/** The first of rows that share a key, by logging order: `k` before `e` (timestamp, seq, id). */
const EARLIER = '(k.timestamp < e.timestamp OR (k.timestamp = e.timestamp AND (k.seq < e.seq OR (k.seq = e.seq AND k.id < e.id))))';

/**
 * Deletes the rows that repeat an earlier one's key, keeping the first (schema version 3 made
 * the key unique). The ids go through a DISTINCT derived table: MySQL may not read the table a
 * DELETE deletes from, unless the rows read are materialized first.
 */
function keepFirst(table: string, join: string): string {
  return `DELETE FROM ${table} WHERE id IN (SELECT id FROM (SELECT DISTINCT e.id FROM ${table} e JOIN ${table} k ON ${join} AND k.id <> e.id AND ${EARLIER}) repeated);`;
}

/** The calls without a result take the first result logged for their conversation and tool_call_id. */
const COMPLETE_FIRST_CALLS = `UPDATE tool_calls SET result = (SELECT e.result FROM tool_calls e
  WHERE e.conversation_id = tool_calls.conversation_id AND e.tool_call_id = tool_calls.tool_call_id AND e.result IS NOT NULL
  ORDER BY e.timestamp, e.seq, e.id LIMIT 1) WHERE result IS NULL AND tool_call_id IS NOT NULL;`;

/**
 * What runs before a unique index is added to a table that may have rows breaking it, by index:
 * the repeats go (the first stays), and the summary tables built from them are rebuilt.
 */
const BEFORE_INDEX: Record<string, { family?: Family; sql: string }[]> = {
  messages_message_id_idx: [
    // MySQL indexes text only by a prefix: message ids become keys, as ids are.
    { family: 'mysql', sql: 'ALTER TABLE messages MODIFY message_id varchar(255);' },
    {
      sql: keepFirst(
        'messages',
        'k.conversation_id = e.conversation_id AND k.message_id = e.message_id AND e.message_id IN (SELECT message_id FROM (SELECT message_id FROM messages GROUP BY conversation_id, message_id HAVING count(*) > 1) d)',
      ),
    },
  ],
  run_events_sequence_idx: [{ sql: keepFirst('run_events', 'k.session_id = e.session_id AND k.sequence = e.sequence') }],
  // Schema version 4: a tool call logged again with its tool_call_id completes the first. The
  // first of each takes a later one's result when it has none, then the later ones go.
  tool_calls_call_id_idx: [
    { family: 'mysql', sql: 'ALTER TABLE tool_calls MODIFY tool_call_id varchar(255);' },
    { family: 'sqlite', sql: COMPLETE_FIRST_CALLS },
    { family: 'postgres', sql: COMPLETE_FIRST_CALLS },
    // MySQL may not read, in a subquery, the table an UPDATE changes; a join it may.
    {
      family: 'mysql',
      sql: `UPDATE tool_calls k JOIN tool_calls e ON e.conversation_id = k.conversation_id AND e.tool_call_id = k.tool_call_id AND e.result IS NOT NULL
  SET k.result = e.result WHERE k.result IS NULL;`,
    },
    { sql: keepFirst('tool_calls', 'k.conversation_id = e.conversation_id AND k.tool_call_id = e.tool_call_id') },
  ],
};

/** The summary table rebuilt after the rows of a unique index's table were made unique. */
const REBUILT_AFTER: Record<string, string> = { messages_message_id_idx: 'message_totals', run_events_sequence_idx: 'runs' };

/**
 * Compares the declared drizzle tables with a live schema. Never plans a drop. A summary table
 * that existed and must be rebuilt (a column added to it, repeats removed from its source) is
 * rebuilt once, at the end, when every table has all its columns and its rows are unique; one
 * that did not exist is created and filled in its place, after the tables it sums up.
 */
export function planMigration(declared: DeclaredTable[], live: LiveSchema): MigrationPlan {
  const plan: MigrationPlan = { missingTables: [], missingColumns: [], missingIndexes: [], statements: [], searchSql: [] };
  const rebuilt = new Set<string>();
  for (const table of declared) {
    const columns = live.tables.get(table.name);
    if (!columns) {
      plan.missingTables.push(table.name);
      plan.statements.push(createTableSql(table));
      const backfill = BACKFILLS[table.name];
      if (backfill) plan.statements.push(backfill);
    } else {
      for (const column of table.columns.filter((c) => !columns.has(c.name))) {
        plan.missingColumns.push(`${table.name}.${column.name}`);
        plan.statements.push(addColumnSql(table, column));
        const backfill = BACKFILLS[`${table.name}.${column.name}`];
        if (backfill) plan.statements.push(backfill);
        const summary = REBUILT_WITH_COLUMN[`${table.name}.${column.name}`];
        if (summary) rebuilt.add(summary);
      }
    }
    for (const index of table.indexes.filter((i) => !live.indexes.has(i.name))) {
      plan.missingIndexes.push(index.name);
      if (columns) {
        plan.statements.push(...beforeIndex(table.family, index.name));
        const summary = REBUILT_AFTER[index.name];
        if (summary !== undefined && live.tables.has(summary)) rebuilt.add(summary);
      }
      plan.statements.push(createIndexSql(table, index));
    }
  }
  for (const summary of rebuilt) plan.statements.push(`DELETE FROM ${summary};`, BACKFILLS[summary]!);
  return plan;
}

/** The statements before adding a unique index to a table that has rows: its repeats go. */
function beforeIndex(family: Family, index: string): string[] {
  return (BEFORE_INDEX[index] ?? []).filter((s) => s.family === undefined || s.family === family).map((s) => s.sql);
}

/** Describes what a plan adds, e.g. `tables messages, commands; columns messages.model_name`. */
export function describeMissing(plan: MigrationPlan): string {
  const parts: string[] = [];
  if (plan.missingTables.length > 0) parts.push(`tables ${plan.missingTables.join(', ')}`);
  if (plan.missingColumns.length > 0) parts.push(`columns ${plan.missingColumns.join(', ')}`);
  if (plan.missingIndexes.length > 0) parts.push(`indexes ${plan.missingIndexes.join(', ')}`);
  if (plan.missingSearch !== undefined) parts.push(`search index ${plan.missingSearch}`);
  return parts.join('; ');
}
