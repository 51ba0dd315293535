import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/** The test server's URL, e.g. mysql://root@127.0.0.1:3306/historian_test (set by .ci/run). */
export const MYSQL_URL = process.env.HISTORIAN_TEST_MYSQL_URL;

/** Why MySQL tests skip without a server. */
export const MYSQL_SKIPPED = 'skipped: set HISTORIAN_TEST_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/historian_test) to run it';

/** Runs statements on the server of `base`, outside any database. */
export async function onServer(base: string, ...statements: string[]): Promise<unknown[]> {
  const url = new URL(base.replace(/^mariadb:/i, 'mysql:'));
  url.pathname = '/';
  const connection = await mysql.createConnection({ uri: url.href, charset: 'UTF8MB4_UNICODE_CI' });
  try {
    const results: unknown[] = [];
    for (const statement of statements) results.push((await connection.query(statement))[0]);
    return results;
  } finally {
    await connection.end();
  }
}

/**
 * A fresh database beside the one `base` names (`<base database>_<random>`, so a CI run that
 * drops `<base database>_%` at exit leaves nothing behind), and the URL that selects it.
 */
export async function freshMysqlDatabase(base: string): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const url = new URL(base);
  const prefix = decodeURIComponent(url.pathname.slice(1)) || 'historian_test';
  const name = `${prefix.slice(0, 48)}_${randomBytes(6).toString('hex')}`;
  await onServer(base, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  url.pathname = `/${name}`;
  return { url: url.href, name, drop: async () => void (await onServer(base, `DROP DATABASE IF EXISTS \`${name}\``)) };
}
