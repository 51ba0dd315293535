import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, ProviderError, RejectedEntryError, resolveStorage } from '../../src/index.js';
import { runCli } from '../cli/run.js';
import { freshMysqlDatabase, MYSQL_SKIPPED, MYSQL_URL, onServer } from '../contract/mysql-database.js';

// What MySQL and MariaDB must do as the other families do, beyond the contract suite: migrate an
// older schema in place, print their own DDL, keep every character, compare ids exactly, and
// set aside an entry the server refuses. Each test has a database of its own.

const url = MYSQL_URL;
const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'historian-mysql-'));
  folders.push(dir);
  return dir;
}

// The schema of an older historian: no model split, no cache / reasoning tokens, no seq,
// no response_time, no context table and none of today's indexes.
const OLD_SCHEMA = [
  `CREATE TABLE conversations (conversation_id varchar(255) PRIMARY KEY NOT NULL, agent_name varchar(255), start_time varchar(32) NOT NULL,
    started boolean NOT NULL DEFAULT false, start_id varchar(255), seq double) DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE messages (id varchar(255) PRIMARY KEY NOT NULL, conversation_id varchar(255) NOT NULL, message_id longtext, timestamp varchar(32) NOT NULL,
    role longtext NOT NULL, content longtext NOT NULL, name longtext, model varchar(255), total_tokens int, prompt_tokens int, completion_tokens int,
    cost double, forwarded_from longtext) DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE tool_calls (id varchar(255) PRIMARY KEY NOT NULL, conversation_id varchar(255) NOT NULL, message_id longtext NOT NULL, tool_call_id longtext,
    timestamp varchar(32) NOT NULL, seq double NOT NULL DEFAULT 0, tool_name longtext NOT NULL, args longtext NOT NULL, result longtext) DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE commands (id varchar(255) PRIMARY KEY NOT NULL, agent_name varchar(255) NOT NULL, session_id varchar(255) NOT NULL, timestamp varchar(32) NOT NULL,
    seq double NOT NULL DEFAULT 0, command longtext NOT NULL, context_type longtext, metadata longtext) DEFAULT CHARSET=utf8mb4`,
];
const OLD_ROWS = 500;

describe.runIf(url)('MySQL/MariaDB (HISTORIAN_TEST_MYSQL_URL)', () => {
  let database: Awaited<ReturnType<typeof freshMysqlDatabase>>;
  const inDatabase = (...statements: string[]) => onServer(url!, `USE \`${database.name}\``, ...statements).then((results) => results.slice(1));

  beforeEach(async () => {
    database = await freshMysqlDatabase(url!);
  });
  afterEach(() => database.drop());

  describe('auto_migration on a database made by an older, narrower schema', () => {
    beforeEach(async () => {
      const rows = Array.from({ length: OLD_ROWS }, (_, i) => {
        const time = new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
        return `('old-${i}', 'old-c', '${time}', 'user', 'old message ${i}', 'openai/gpt-4o', 3, 2, 1, 0.5)`;
      });
      await inDatabase(
        ...OLD_SCHEMA,
        "INSERT INTO conversations VALUES ('old-c', 'veteran', '2025-01-01T00:00:00.000Z', true, 'old-start', 1)",
        `INSERT INTO messages (id, conversation_id, timestamp, role, content, model, total_tokens, prompt_tokens, completion_tokens, cost) VALUES ${rows.join(', ')}`,
      );
    });

    it('adds the missing tables, columns and indexes and keeps every row', async () => {
      const historian = await createHistorian({ providers: [{ type: 'sql', url: database.url }] });
      const history = historian.history();
      const [old] = await history.conversations({ agent: 'veteran' });
      expect(old!.messages).toHaveLength(OLD_ROWS);
      expect(old!.messages[0]).toMatchObject({ id: 'old-0', content: 'old message 0', cost_info: { token_usage: { total: 3, prompt: 2, completion: 1 }, total_cost: 0.5 } });
      historian.logContext({ conversation_id: 'old-c', role: 'system', content: 'new table works' });
      historian.logMessage({ conversation_id: 'old-c', role: 'assistant', content: 'new columns work', model: 'anthropic/claude', response_time: 2 });
      await historian.flush();
      expect(await history.messages({ conversation_id: 'old-c' })).toHaveLength(OLD_ROWS + 1);
      expect((await history.stats({ group_by: 'model' })).groups.map((g) => [g.key, g.messages])).toEqual([
        ['anthropic/claude', 1],
        ['openai/gpt-4o', OLD_ROWS],
      ]);
      expect((await history.stats({ group_by: 'agent' })).groups.map((g) => [g.key, g.messages])).toEqual([['veteran', OLD_ROWS + 1]]);
      await historian.close();
      const [columns, meta, index] = await inDatabase(
        "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'messages'",
        "SELECT value FROM historian_meta WHERE `key` = 'schema_version'",
        "SELECT count(*) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'messages_model_idx'",
      );
      expect((columns as { name: string }[]).map((c) => c.name)).toEqual(expect.arrayContaining(['model_provider', 'model_name', 'seq', 'cache_read_tokens', 'response_time']));
      expect(meta).toEqual([{ value: '4' }]);
      expect(Number((index as { n: number }[])[0]!.n)).toBeGreaterThan(0);
    });

    it('with auto_migration: false, fails at open naming what is missing and `historian migrate`', async () => {
      const opening = createHistorian({ providers: [{ type: 'sql', url: database.url, auto_migration: false }] });
      await expect(opening).rejects.toThrow(ProviderError);
      const message = await opening.catch((error: Error) => error.message);
      expect(message).toContain('tables context, run_events, runs, message_totals, historian_meta');
      expect(message).toContain('messages.model_provider');
      expect(message).toContain('historian migrate');
    });

    it('migrate --print-sql shows MySQL DDL for what is missing; migrate applies it', async () => {
      const dir = folder();
      const manifest = join(dir, 'agents.yml');
      writeFileSync(manifest, `storage:\n  providers:\n    - type: sql\n      url: "${database.url}"\n      auto_migration: false\n`);
      const printed = await runCli(['migrate', '--print-sql', '-c', manifest]);
      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout).toContain('CREATE TABLE IF NOT EXISTS `context` (');
      expect(printed.stdout).toContain(') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=');
      expect(printed.stdout).toContain('ALTER TABLE `messages` ADD COLUMN `model_provider` longtext;');
      expect(printed.stdout).toContain('CREATE INDEX `messages_model_idx` ON `messages` (`model`, `timestamp`');
      expect(printed.stdout).not.toContain('"');
      const applied = await runCli(['migrate', '-c', manifest]);
      expect(applied.stdout).toContain('added tables context, run_events, runs, message_totals, historian_meta');
      const again = await runCli(['migrate', '--print-sql', '-c', manifest]);
      expect(again.stdout).toContain('schema is up to date');
      const [count] = await inDatabase('SELECT count(*) AS n FROM messages');
      expect(Number((count as { n: number }[])[0]!.n)).toBe(OLD_ROWS);
    });
  });

  it('keeps every character: all Unicode planes, emoji, NUL, and ids that differ only by case or a trailing space', async () => {
    const planes = Array.from({ length: 17 }, (_, plane) => String.fromCodePoint(plane * 0x10000 + 0x100)).join('');
    const content = `emoji 😀👩🏽‍💻🇫🇷, planes ${planes}, NUL \u0000 inside, U+FFFF \uFFFF, quote ' backslash \\ percent % underscore _`;
    const historian = await createHistorian({ providers: [{ type: 'sql', url: database.url }] });
    const ids = ['c-😀', 'C-😀', 'c-😀 ', 'c-\u0000'];
    for (const id of ids) historian.logMessage({ id: `m-${id}`, conversation_id: id, role: 'user', content, name: `n-${id}`, model: `model ${id}` });
    await historian.flush();
    const history = historian.history();
    const conversations = await history.conversations();
    expect(conversations.map((c) => c.conversation_id).sort()).toEqual([...ids].sort());
    for (const conversation of conversations) {
      expect(conversation.messages.map((m) => [m.id, m.content, m.name])).toEqual([[`m-${conversation.conversation_id}`, content, `n-${conversation.conversation_id}`]]);
    }
    expect((await history.messages({ conversation_id: 'c-😀' })).map((m) => m.id)).toEqual(['m-c-😀']);
    expect(await history.messages({ contains: 'PERCENT % UNDERSCORE _' })).toHaveLength(4);
    expect(await history.messages({ contains: 'percent _ underscore' })).toHaveLength(0);
    expect(await history.messages({ contains: '😀👩🏽' })).toHaveLength(4);
    expect((await history.stats({ group_by: 'model' })).groups.map((g) => g.key)).toEqual(ids.map((id) => `model ${id}`).sort());
    await historian.close();
  });

  it('sets aside an entry the server refuses (an id longer than 255 characters) and stores the rest of its batch', async () => {
    const dir = folder();
    const errors: ProviderError[] = [];
    const historian = await createHistorian(resolveStorage({ providers: [{ type: 'sql', url: database.url }] }, { baseDir: dir }), { onError: (e) => errors.push(e) });
    for (let i = 0; i < 50; i++) historian.logMessage({ id: `good-${i}`, conversation_id: 'c', role: 'user', content: `message ${i}` });
    historian.logMessage({ id: 'x'.repeat(300), conversation_id: 'c', role: 'user', content: 'too long an id' });
    for (let i = 50; i < 100; i++) historian.logMessage({ id: `good-${i}`, conversation_id: 'c', role: 'user', content: `message ${i}` });
    await historian.flush();
    expect(historian.rejected()).toEqual({ sql: 1 });
    expect(await historian.history().messages({ conversation_id: 'c' })).toHaveLength(100);
    await historian.close();
    const letters = readFileSync(join(dir, 'sql.rejected.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(letters).toHaveLength(1);
    expect(letters[0].entry.content).toBe('too long an id');
    expect(letters[0].error).toMatch(/Data too long/);
    expect(errors.filter((e) => e instanceof RejectedEntryError)).toHaveLength(1);
  });
});

describe.skipIf(url)('MySQL/MariaDB', () => {
  it.skip(MYSQL_SKIPPED, () => {});
});
