import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshMysqlDatabase, MYSQL_URL, onServer } from '../contract/mysql-database.js';
import { freePort } from './throwaway-pg.js';

// The shared MariaDB server must not be stopped, so a restart is played by a TCP proxy in front
// of it: every open connection is cut at once and new ones are refused for a while, as when the
// server goes down, then the proxy listens again, as when it is back.

const WRITER = fileURLToPath(new URL('./pg-writer.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async listen(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((done) => this.server!.listen(this.port, '127.0.0.1', done));
  }

  /** Cuts every connection and refuses new ones until `listen` runs again. */
  async cut(): Promise<void> {
    const closed = new Promise<void>((done) => this.server?.close(() => done()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

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

async function moreAcknowledged(state: ReturnType<typeof startWriter>['state'], count: number, timeout: number): Promise<void> {
  const target = state.acknowledged.length + count;
  for (const start = Date.now(); state.acknowledged.length < target; await sleep(20)) {
    if (state.exited) throw new Error(`the writer died:\n${state.stderr.slice(-2000)}`);
    if (Date.now() - start > timeout) throw new Error(`the writer acknowledged nothing for ${timeout} ms:\n${state.stderr.slice(-2000)}`);
  }
}

describe.runIf(MYSQL_URL)('a MySQL/MariaDB server going away mid-ingest (HISTORIAN_TEST_MYSQL_URL, through a proxy)', () => {
  let database: Awaited<ReturnType<typeof freshMysqlDatabase>>;
  let proxy: CuttableProxy;
  let proxied: string;
  beforeAll(async () => {
    database = await freshMysqlDatabase(MYSQL_URL!);
    const target = new URL(database.url);
    proxy = new CuttableProxy(await freePort(), { host: target.hostname, port: Number(target.port || 3306) });
    await proxy.listen();
    target.hostname = '127.0.0.1';
    target.port = String(proxy.port);
    proxied = target.href;
  });
  afterAll(async () => {
    await proxy?.cut();
    await database?.drop();
  });

  it('never kills the writer, and every acknowledged entry is stored once the server is back', async () => {
    const { child, state } = startWriter(proxied);
    for (let restart = 0; restart < 3; restart++) {
      await moreAcknowledged(state, 100, 20_000);
      await proxy.cut();
      await sleep(1_500 + restart * 500);
      await proxy.listen();
    }
    await moreAcknowledged(state, 100, 30_000);
    child.stdin.end();
    const code = await state.exit;
    expect(state.stderr).not.toMatch(/Unhandled 'error' event|uncaught/i);
    expect(code).toBe(0);
    expect(state.stderr).toMatch(/flush rejected: sql: .*(ECONNREFUSED|ECONNRESET|Connection lost|closed)/i);
    const [rows] = (await onServer(MYSQL_URL!, `USE \`${database.name}\``, 'SELECT id FROM messages').then((r) => r.slice(1))) as { id: string }[][];
    const stored = new Set(rows!.map((row) => row.id));
    expect(state.acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(state.acknowledged.length).toBeGreaterThan(400);
  }, 120_000);
});
