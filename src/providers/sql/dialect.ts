import type { SQL, SQLWrapper } from 'drizzle-orm';
import type { DeclaredTable, Family } from './ddl.js';
import type { ConnectionConfig } from './failure.js';
import type { LiveSchema } from './plan.js';
import type { BatchRows } from './rows.js';
import type { CommonTables, Insert, Row, TableKey } from './schema/index.js';

// The shared query code (read-*.ts, reset.ts, run-events.ts, write.ts, migrate.ts) is written
// once against these two interfaces. Each family implements them with its own drizzle database,
// typed as itself: `Dialect` holds the SQL that differs, `Statements` runs queries, and a
// `SqlBackend` is one open database of a family.

/** Values to select: drizzle SQL fragments, each decoded by its own `mapWith`. */
export type Fields = Record<string, SQL<unknown> | SQL.Aliased<unknown>>;

/** A selected row of `Fields`. */
export type FieldRow<F extends Fields> = { [K in keyof F]: F[K] extends SQL<infer T> ? T : F[K] extends SQL.Aliased<infer T> ? T : never };

/** Which rows of one table, in what order, from `offset`, at most `limit`. */
export interface RowQuery {
  where?: SQL | undefined;
  orderBy?: SQL[];
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Which rows to compute `Fields` over: one table, optionally left-joined with a second, grouped, ordered, paged. */
export interface FieldQuery {
  join?: { table: TableKey; on: SQL } | undefined;
  where?: SQL | undefined;
  groupBy?: SQL[];
  having?: SQL | undefined;
  orderBy?: SQL[];
  limit?: number | undefined;
  offset?: number | undefined;
}

/** The LIMIT of an OFFSET without one (MySQL and SQLite have no OFFSET alone). */
export const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** The SQL of one family that differs from the others, as drizzle fragments. Holds no connection. */
export interface Dialect {
  readonly family: Family;
  /** The family's table declarations, seen through the shape every family shares. */
  readonly tables: CommonTables;
  /** The tables as DDL needs them. */
  declared(): DeclaredTable[];
  /**
   * A case-insensitive substring match of a text column, LIKE wildcards in `needle` taken
   * literally. With `indexed` (the family's search index is ready), message content is looked
   * up in the index first; the answer is the same.
   */
  containsText(column: SQLWrapper, needle: string, indexed?: boolean): SQL;
  /** The family's index for `containsText` on message content, if it has one. */
  readonly search?: SearchIndex;
  /** Whether a JSON array column holds one of `values`. */
  jsonArrayHasAny(column: SQLWrapper, values: string[]): SQL;
  /** The distinct non-null values of a column per group, read back sorted. */
  distinctSorted(column: SQLWrapper): SQL<string[]>;
  /** The stats key of an hour, `2026-11-23T14:00Z`, from an ISO timestamp column. */
  hourKey(column: SQLWrapper): SQL<string>;
  /** The stats key of a day, `2026-11-23`, from an ISO timestamp column. */
  dayKey(column: SQLWrapper): SQL<string>;
  /** A number inside a JSON column (`path` of object keys, written into the SQL), NULL when absent. */
  jsonNumber(column: SQLWrapper, path: readonly string[]): SQL<number | null>;
  /** A string inside a JSON column, the same way. */
  jsonText(column: SQLWrapper, path: readonly string[]): SQL<string>;
  /** Rows after a cursor in (timestamp, seq, id) order, for keyset paging. */
  after(columns: readonly [SQLWrapper, SQLWrapper, SQLWrapper], cursor: readonly [string, number, string]): SQL;
  /** The tables, columns and indexes the database has. */
  liveSchema(statements: Statements): Promise<LiveSchema>;
}

/**
 * Statements on one connection, or inside one transaction: the family's drizzle database builds
 * and runs them. Rows come back decoded by the family's columns (JSON, booleans, NUL text).
 */
export interface Statements {
  /** The rows of a table. */
  rows<K extends TableKey>(from: K, query?: RowQuery): Promise<Row<K>[]>;
  /** Computed values (aggregates, keys) over a table. */
  fields<F extends Fields>(fields: F, from: TableKey, query?: FieldQuery): Promise<FieldRow<F>[]>;
  /** The same as a subquery, for IN and EXISTS; not run by itself. */
  subquery(fields: Fields, from: TableKey, query?: FieldQuery): SQLWrapper;
  /** Inserts rows, leaving those whose primary key is already stored as they are. */
  insertNew<K extends TableKey>(into: K, rows: Insert<K>[]): Promise<void>;
  /**
   * Writes the rows of one log batch (conversations upserted, entries inserted once). Messages
   * are stored with their conversation's agent as the batch's upserts left it. Returns the
   * message rows it stored, with that agent: not those whose id was stored already.
   */
  writeRows(rows: BatchRows): Promise<Insert<'messages'>[]>;
  /** Inserts rows, replacing every column of those whose primary key is already stored. */
  upsert<K extends TableKey>(into: K, rows: Insert<K>[]): Promise<void>;
  /**
   * Adds rows onto the stored rows with the same `key` (a unique index), column by column, and
   * inserts those that have none: counters several writers keep.
   */
  increment<K extends TableKey>(into: K, rows: Insert<K>[], key: readonly string[]): Promise<void>;
  /** The agents of those of these conversations that are stored, by id. */
  agentsOf(conversationIds: readonly string[]): Promise<Map<string, string | null>>;
  /** Sets columns of the rows of a table that match. */
  update(table: TableKey, set: Record<string, SQL>, where: SQL): Promise<void>;
  /** Deletes the rows of a table that match (all without `where`). */
  delete(from: TableKey, where?: SQL): Promise<void>;
  /** Sets a `historian_meta` key. */
  setMeta(key: string, value: string): Promise<void>;
  /**
   * Adds `count` to the number a `historian_meta` key holds; returns the sum, or undefined when
   * the key is not set. Atomic: the row stays locked until the transaction ends.
   */
  addToCounter(key: string, count: number): Promise<number | undefined>;
  /**
   * Waits for the run log of a session, held until the transaction ends: the writer that holds
   * it reads the session's last sequence and stores the next ones before another may.
   */
  lockSession(session: string): Promise<void>;
  /** Waits for the migration lock, held until the transaction ends. */
  lockMigration(): Promise<void>;
  /** Runs a raw statement (DDL). */
  execute(statement: string): Promise<void>;
  /** Runs a raw query (introspection) and returns its rows. */
  query<T>(statement: string): Promise<T[]>;
}

// A content-search index is an accelerator, never a requirement: the exact substring predicate
// (`Dialect.containsText`) is always applied, the index only narrows the rows it runs on. So a
// database without one (MySQL, a server where pg_trgm cannot be created, an index still being
// filled) answers the same, by scanning.

/** How the building of a search index reports: rows done of a total, and problems that fail nothing. */
export interface SearchReport {
  progress?(done: number, total: number): void;
  warn?(message: string): void;
}

/** A family's index for `containsText` on message content. */
export interface SearchIndex {
  /** The index's name, as `historian migrate` reports it. */
  readonly name: string;
  /** Whether the live schema has it (perhaps still being filled). */
  present(live: LiveSchema): boolean;
  /** The statements that create it over an empty messages table, as `migrate --print-sql` shows them. */
  readonly createSql: readonly string[];
  /** Makes it anew, empty, once a hard reset dropped and recreated the tables (inside the reset's transaction). */
  recreate(statements: Statements): Promise<void>;
  /**
   * Creates it if missing and fills it for the rows already stored, in batches of short
   * transactions (writers wait for one batch at most), resuming a build another run left
   * unfinished. Returns whether reads may use it.
   */
  build(backend: SqlBackend, report: SearchReport): Promise<boolean>;
  /** Whether it answers this needle (on SQLite, one of 3 code points or more); else the filter scans. */
  narrows(needle: string): boolean;
  /** Whether reads may use it (a SQLite index still being filled is read up to where it reaches). */
  ready(statements: Statements): Promise<boolean>;
}

/** One open database: its family's dialect, statements on the connection, and transactions. */
export interface SqlBackend {
  readonly dialect: Dialect;
  /** The URL with its password masked, for messages. */
  readonly where: string;
  /** Statements outside any transaction (reads). */
  readonly statements: Statements;
  /** Whether reads may use the dialect's search index (set once the schema is checked on open). */
  searchReady?: boolean;
  /**
   * Runs `work` in one transaction, one at a time per backend; every statement of the work goes
   * through the `Statements` it is given. On SQLite it is BEGIN IMMEDIATE, which takes the write
   * lock up front so a second process waits (busy timeout) instead of failing with SQLITE_BUSY
   * on lock upgrade.
   */
  transaction<T>(work: (statements: Statements) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What a family needs to open its database. */
export interface OpenOptions {
  where: string;
  label: string;
  config: ConnectionConfig;
  /** Told of trouble that loses nothing, such as a search index that falls behind. */
  warn?: ((message: string) => void) | undefined;
  /** Told how the search index's catch-up at close goes (SQLite's follower thread). */
  progress?: ((done: number, total: number) => void) | undefined;
}
