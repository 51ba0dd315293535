import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistorian, type RunFact } from '../../src/index.js';
import { freshMysqlDatabase, MYSQL_URL } from '../contract/mysql-database.js';
import { freshPgSchema } from '../contract/pg-schema.js';

const run = promisify(execFile);
const WRITER = fileURLToPath(new URL('./log-runs.mjs', import.meta.url));
const KINDS = ['run_started', 'llm_call_started', 'llm_call_completed', 'run_finished'];
const RUNS = 20;
const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const PG_URL = process.env.HISTORIAN_TEST_PG_URL;

/** Runs the two writer processes on one database (a fresh SQLite file by default) and returns the session's steps. */
async function logTogether(mode: 'race' | 'turns', database?: string): Promise<RunFact[]> {
  const dir = mkdtempSync(join(tmpdir(), `historian-two-process-${mode}-`));
  folders.push(dir);
  const url = database ?? `sqlite:///${join(dir, 'shared.db')}`;
  writeFileSync(join(dir, 'turn'), 'alpha');
  const writers = [
    ['alpha', 'beta'],
    ['beta', 'alpha'],
  ];
  await Promise.all(writers.map(([writer, other]) => run(process.execPath, [WRITER, url, dir, writer!, other!, String(RUNS), mode])));
  const historian = await createHistorian({ providers: [{ type: 'sql', url }] });
  try {
    return await historian.history().steps({ session: 'shared' });
  } finally {
    await historian.close();
  }
}

function expectGapFreeAndOrdered(steps: RunFact[]): void {
  const total = 2 * RUNS * KINDS.length;
  expect(steps.map((s) => s.sequence)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  // Each writer's facts keep their logging order within the shared numbering.
  for (const writer of ['alpha', 'beta']) {
    const own = steps.filter((s) => s.agent_name === writer).map((s) => `${s.run_id}:${s.type}`);
    expect(own).toEqual(Array.from({ length: RUNS }, (_, i) => KINDS.map((kind) => `${writer}-${i}:${kind}`)).flat());
  }
}

describe('two processes logging one session into one SQLite file', () => {
  it('writing at once, number the session 1, 2, 3… with no gap and no repeat', async () => {
    expectGapFreeAndOrdered(await logTogether('race'));
  });

  it('taking turns, each continues from the numbers the other committed', async () => {
    const steps = await logTogether('turns');
    expectGapFreeAndOrdered(steps);
    // alpha's run i holds 8i+1…8i+4 and beta's 8i+5…8i+8: a per-process counter would repeat 1…4.
    const expected = Array.from({ length: RUNS }, (_, i) => [`alpha-${i}`, `beta-${i}`]).flatMap((runs) => runs.flatMap((r) => KINDS.map(() => r)));
    expect(steps.map((s) => s.run_id)).toEqual(expected);
  });
});

describe.runIf(PG_URL)('two processes logging one session into one PostgreSQL database (HISTORIAN_TEST_PG_URL)', () => {
  for (const mode of ['race', 'turns'] as const) {
    it(`${mode}: number the session with no gap and no repeat (per-session advisory locks)`, async () => {
      const { url, drop } = await freshPgSchema(PG_URL!);
      try {
        expectGapFreeAndOrdered(await logTogether(mode, url));
      } finally {
        await drop();
      }
    });
  }
});

describe.runIf(MYSQL_URL)('two processes logging one session into one MySQL/MariaDB database (HISTORIAN_TEST_MYSQL_URL)', () => {
  for (const mode of ['race', 'turns'] as const) {
    it(`${mode}: number the session with no gap and no repeat (per-session named locks)`, async () => {
      const { url, drop } = await freshMysqlDatabase(MYSQL_URL!);
      try {
        expectGapFreeAndOrdered(await logTogether(mode, url));
      } finally {
        await drop();
      }
    });
  }
});
