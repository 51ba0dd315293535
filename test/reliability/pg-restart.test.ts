import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrowawayPostgres, throwawayUnavailable } from './throwaway-pg.js';

const WRITER = fileURLToPath(new URL('./pg-writer.mjs', import.meta.url));
const unavailable = throwawayUnavailable();
if (unavailable) console.warn(`skipping the PostgreSQL restart test: ${unavailable}`);

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A writer process: its acknowledged ids, and how it ended. */
function startWriter(url: string) {
  const child = spawn(process.execPath, [WRITER, url], { stdio: ['pipe', 'pipe', 'pipe'] });
  const state = { acknowledged: [] as string[], stderr: '', stdout: '', exited: false, exit: null as Promise<number | null> | null };
  child.stdout.on('data', (chunk: Buffer) => {
    state.stdout += chunk.toString();
    const lines = state.stdout.split('\n');
    state.stdout = lines.pop()!;
    for (const line of lines) if (line !== 'closed') state.acknowledged.push(...line.split(' '));
  });
  child.stderr.on('data', (chunk: Buffer) => (state.stderr += chunk.toString()));
  state.exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ? -1 : code)));
  child.on('exit', () => (state.exited = true));
  return { child, state };
}

type Writer = ReturnType<typeof startWriter>['state'];

/** Waits for the writer to acknowledge more entries; fails at once if it died. */
async function moreAcknowledged(state: Writer, count: number, timeout: number): Promise<void> {
  const target = state.acknowledged.length + count;
  for (const start = Date.now(); state.acknowledged.length < target; await sleep(20)) {
    if (state.exited) throw new Error(`the writer died:\n${state.stderr.slice(-2000)}`);
    if (Date.now() - start > timeout) throw new Error(`the writer acknowledged nothing for ${timeout} ms:\n${state.stderr.slice(-2000)}`);
  }
}

describe.skipIf(unavailable !== null)('a PostgreSQL restart mid-ingest', () => {
  let server: ThrowawayPostgres;
  beforeAll(async () => {
    server = await ThrowawayPostgres.create();
  }, 60_000);
  afterAll(() => server?.destroy());

  it('never kills the writer, and every acknowledged entry is stored once the server is back', async () => {
    const { child, state } = startWriter(server.url);
    for (let restart = 0; restart < 3; restart++) {
      await moreAcknowledged(state, 100, 20_000);
      server.stop('immediate');
      await sleep(1_500 + restart * 500);
      server.start();
    }
    await moreAcknowledged(state, 100, 30_000);
    child.stdin.end();
    const code = await state.exit;
    expect(state.stderr).not.toMatch(/Unhandled 'error' event|uncaught/i);
    expect(code).toBe(0);
    // The failures were reported, and flush() rejected while the server was away.
    expect(state.stderr).toMatch(/flush rejected: sql: .*(terminat|ECONNREFUSED|shutdown|connection)/i);

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM messages');
      const stored = new Set(rows.map((row) => row.id));
      expect(state.acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      // The writer kept acknowledging across the three restarts.
      expect(state.acknowledged.length).toBeGreaterThan(400);
    } finally {
      await client.end();
    }
  }, 120_000);
});
