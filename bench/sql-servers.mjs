// The sql bench on database servers, beside SQLite: PostgreSQL (HISTORIAN_BENCH_PG_URL, else
// HISTORIAN_TEST_PG_URL) and MySQL/MariaDB (HISTORIAN_BENCH_MYSQL_URL, else
// HISTORIAN_TEST_MYSQL_URL). Each logs the same messages through the logger into a fresh schema or
// database, against a plain driver script inserting the same rows with prepared statements, 1000
// per transaction. Not a *.bench.mjs: sql.bench.mjs runs it.
import { randomBytes } from 'node:crypto';
import { createHistorian } from '../dist/index.js';
import { fmt, time } from './lib.mjs';

const BATCH = 1000;

/** The values of a message row, in the column order of the baseline's INSERT. */
function rowValues(e, seq) {
  const usage = e.cost_info?.token_usage;
  const slash = e.model ? e.model.indexOf('/') : -1;
  return [e.id, e.conversation_id, e.id, e.timestamp, seq, e.role, e.content, e.model ?? null, e.model ? e.model.slice(0, slash) : null,
    e.model ? e.model.slice(slash + 1) : null, usage?.total ?? null, usage?.prompt ?? null, usage?.completion ?? null, e.cost_info?.total_cost ?? null];
}
const COLUMNS = 'id, conversation_id, message_id, timestamp, seq, role, content, model, model_provider, model_name, total_tokens, prompt_tokens, completion_tokens, cost';

/** PostgreSQL: a fresh schema per run (search_path through the URL's `options`), and pg's named prepared statements. */
async function postgres(base) {
  const { default: pg } = await import('pg');
  const admin = async (statement) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  const created = [];
  return {
    title: 'sql (PostgreSQL)',
    driver: 'raw pg',
    async fresh() {
      const schema = `historian_bench_${randomBytes(6).toString('hex')}`;
      await admin(`CREATE SCHEMA "${schema}"`);
      created.push(schema);
      return `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    },
    async baseline(url, rows) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const placeholders = Array.from({ length: 14 }, (_, i) => `$${i + 1}`).join(', ');
      const conversation = { name: 'conversation', text: 'INSERT INTO conversations (conversation_id, start_time, started) VALUES ($1, $2, false) ON CONFLICT DO NOTHING' };
      const message = { name: 'message', text: `INSERT INTO messages (${COLUMNS}) VALUES (${placeholders}) ON CONFLICT DO NOTHING` };
      const ms = await time(async () => {
        for (let offset = 0; offset < rows.length; offset += BATCH) {
          await client.query('BEGIN');
          for (let i = offset; i < Math.min(offset + BATCH, rows.length); i++) {
            const e = rows[i];
            if (i % 10 === 0) await client.query({ ...conversation, values: [e.conversation_id, e.timestamp] });
            await client.query({ ...message, values: rowValues(e, i + 1) });
          }
          await client.query('COMMIT');
        }
      });
      await client.end();
      return ms;
    },
    async cleanup() {
      for (const schema of created) await admin(`DROP SCHEMA "${schema}" CASCADE`);
    },
  };
}

/** MySQL/MariaDB: a fresh database per run, and mysql2's server-side prepared statements (`execute`). */
async function mysql(base) {
  const { default: mysql2 } = await import('mysql2/promise');
  const server = new URL(base);
  server.pathname = '/';
  const admin = async (statement) => {
    const connection = await mysql2.createConnection({ uri: server.href });
    await connection.query(statement).finally(() => connection.end());
  };
  const created = [];
  return {
    title: 'sql (MySQL/MariaDB)',
    driver: 'raw mysql2',
    async fresh() {
      const name = `historian_bench_${randomBytes(6).toString('hex')}`;
      await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
      created.push(name);
      const url = new URL(base);
      url.pathname = `/${name}`;
      return url.href;
    },
    async baseline(url, rows) {
      const connection = await mysql2.createConnection({ uri: url, charset: 'UTF8MB4_UNICODE_CI' });
      const conversation = 'INSERT INTO conversations (conversation_id, start_time, started) VALUES (?, ?, false) ON DUPLICATE KEY UPDATE conversation_id = conversation_id';
      const message = `INSERT INTO messages (${COLUMNS}) VALUES (${Array(14).fill('?').join(', ')}) ON DUPLICATE KEY UPDATE id = id`;
      const ms = await time(async () => {
        for (let offset = 0; offset < rows.length; offset += BATCH) {
          await connection.query('START TRANSACTION');
          for (let i = offset; i < Math.min(offset + BATCH, rows.length); i++) {
            const e = rows[i];
            if (i % 10 === 0) await connection.execute(conversation, [e.conversation_id, e.timestamp]);
            await connection.execute(message, rowValues(e, i + 1));
          }
          await connection.query('COMMIT');
        }
      });
      await connection.end();
      return ms;
    },
    async cleanup() {
      for (const name of created) await admin(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

/** Milliseconds to log `entries` through the logger, agent-paced, into a database with historian's schema. */
async function ours(url, entries) {
  await (await createHistorian({ providers: [{ type: 'sql', url }] })).close();
  const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
  const ms = await time(async () => {
    for (let i = 0; i < entries.length; i++) {
      historian.log(entries[i]);
      if (i % 1000 === 999) await new Promise((done) => setImmediate(done));
    }
    await historian.flush();
  });
  await historian.close();
  return ms;
}

/** The configured servers, each as a title and its table rows; none when no URL is set. */
export async function serverBenches(rows, entries, rounds) {
  const servers = [];
  const pgUrl = process.env.HISTORIAN_BENCH_PG_URL || process.env.HISTORIAN_TEST_PG_URL;
  const mysqlUrl = process.env.HISTORIAN_BENCH_MYSQL_URL || process.env.HISTORIAN_TEST_MYSQL_URL;
  if (pgUrl) servers.push(await postgres(pgUrl));
  if (mysqlUrl) servers.push(await mysql(mysqlUrl));
  const results = [];
  for (const server of servers) {
    try {
      let oursMs = Infinity;
      let baseMs = Infinity;
      for (let round = 0; round < rounds; round++) {
        oursMs = Math.min(oursMs, await ours(await server.fresh(), entries));
        const url = await server.fresh();
        await (await createHistorian({ providers: [{ type: 'sql', url }] })).close();
        baseMs = Math.min(baseMs, await server.baseline(url, rows));
      }
      const rate = (ms) => fmt((rows.length / ms) * 1000);
      results.push({
        title: server.title,
        rows: [
          {
            bench: `log ${fmt(rows.length)} messages via logger, agent-paced (entries/s)`,
            ours: rate(oursMs),
            baseline: `${rate(baseMs)} ${server.driver} prepared`,
            ratio: fmt(baseMs / oursMs, 2),
          },
        ],
      });
    } finally {
      await server.cleanup();
    }
  }
  return results;
}
