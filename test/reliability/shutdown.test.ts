import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli/run.js';
import { countRows, sqliteManifest } from './cli-process.js';
import { tempFolder } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/log-until-signal.mjs', import.meta.url));

const { dir, remove } = tempFolder('shutdown');
afterAll(remove);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output; `until(text)` resolves once its standard output contains `text`. */
function watch(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; resolve(): void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const wait of waiting.filter((w) => stdout.includes(w.text))) wait.resolve();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const said = (text: string) => new Promise<void>((resolve) => (stdout.includes(text) ? resolve() : waiting.push({ text, resolve })));
  // A child that ends before saying it fails the test at once, with what it printed.
  const until = (text: string) =>
    Promise.race([said(text), exit.then((ended) => Promise.reject(new Error(`child ended before "${text}": ${JSON.stringify(ended)}`)))]);
  return { exit, until };
}

/** Starts the logging child, waits until it logs, sends `signal`, and returns how it ended and what it logged. */
async function signalLogger(mode: string, signal: NodeJS.Signals, db = join(dir, `${mode}-${signal}.db`)) {
  const child = spawn(process.execPath, [FIXTURE, db, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { exit, until } = watch(child);
  await until('ready');
  child.kill(signal);
  const ended = await exit;
  const logged = Number(/logged (\d+) on/.exec(ended.stdout)?.[1]);
  const report = /report (.*)/.exec(ended.stdout)?.[1];
  return { ...ended, db, logged, report: report ? (JSON.parse(report) as Record<string, unknown>) : undefined };
}

/** How many entries `historian ingest` said it ingested. */
function ingested(stderr: string): number {
  return Number(/ingested (\d+) entr/.exec(stderr)?.[1]);
}

describe('closeOnSignals', () => {
  it('on SIGTERM, stores every entry logged before it, then ends by the signal', async () => {
    const result = await signalLogger('sql', 'SIGTERM');
    expect(result.signal, result.stderr).toBe('SIGTERM');
    expect(result.logged).toBeGreaterThan(0);
    expect(countRows(result.db)).toBe(result.logged);
    expect(result.report).toMatchObject({ signal: 'SIGTERM', timedOut: false, pending: { sql: 0 }, stored: { sql: result.logged + 1 } });
  });

  it('on SIGINT too', async () => {
    const result = await signalLogger('sql', 'SIGINT');
    expect(result.signal, result.stderr).toBe('SIGINT');
    expect(countRows(result.db)).toBe(result.logged);
  });

  it('leaves ending the process to the application when it listens for the signal too', async () => {
    const result = await signalLogger('own-listener', 'SIGTERM');
    expect(result.stdout).toContain('own listener called');
    expect(result.signal).toBeNull();
    expect(result.code, result.stderr).toBe(0);
    expect(countRows(result.db)).toBe(result.logged);
  });

  it('does not hang when a provider is down: it stops waiting, reports what is still queued, and ends', async () => {
    const result = await signalLogger('down-provider', 'SIGTERM');
    expect(result.signal, result.stderr).toBe('SIGTERM');
    expect(result.report).toMatchObject({ signal: 'SIGTERM', timedOut: true, pending: { down: result.logged + 1 } });
  });
});

describe('historian ingest on SIGINT / SIGTERM', () => {
  /** Feeds ingest lines until the store holds some, then sends `signal` while still feeding. */
  async function interruptIngest(signal: NodeJS.Signals) {
    const name = `ingest-${signal}.db`;
    const manifest = sqliteManifest(dir, name);
    const db = join(dir, name);
    const child = spawn(process.execPath, [CLI, 'ingest', '-', '-c', manifest], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', HISTORIAN_CONFIG: '' },
    });
    const { exit } = watch(child);
    child.stdin!.on('error', () => undefined); // the child stops reading when signalled
    child.stdin!.write('{"type":"conversation_start","conversation_id":"c1","agent_name":"planner"}\n');
    let sent = 0;
    const feed = setInterval(() => {
      for (let i = 0; i < 100; i++) child.stdin!.write(`{"type":"message","conversation_id":"c1","role":"user","content":"line ${sent++}"}\n`);
    }, 5);
    // Standard input stays open throughout: only the signal can end the command.
    while (countRows(db) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill(signal);
    const ended = await exit;
    clearInterval(feed);
    return { ...ended, db };
  }

  it('SIGTERM: stops reading, stores what it read, reports the count and exits 143', async () => {
    const result = await interruptIngest('SIGTERM');
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toMatch(/^historian: interrupted by SIGTERM: ingested \d+ entries\n$/);
    const count = ingested(result.stderr);
    expect(count).toBeGreaterThan(1);
    expect(countRows(result.db) + countRows(result.db, 'conversations')).toBe(count);
  });

  it('SIGINT: the same, exiting 130', async () => {
    const result = await interruptIngest('SIGINT');
    expect(result.code, result.stderr).toBe(130);
    expect(countRows(result.db) + countRows(result.db, 'conversations')).toBe(ingested(result.stderr));
  });
});
