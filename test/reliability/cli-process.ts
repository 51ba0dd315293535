// What the CLI reliability tests share: a SQLite manifest, row counts, and a real terminal.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CLI, type CliResult } from '../cli/run.js';

/** Writes a manifest with one SQLite provider at `db` into `dir`; returns its path. */
export function sqliteManifest(dir: string, db = 'history.db'): string {
  const path = join(dir, 'agents.yml');
  writeFileSync(path, `storage:\n  providers:\n    - type: sql\n      url: "sqlite:///${db}"\n`);
  return path;
}

/** Rows of `table` in a SQLite file (0 when the file or the table does not exist yet). */
export function countRows(file: string, table = 'messages'): number {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

/** JSON Lines of a conversation start followed by messages with the given contents. */
export function conversationLines(contents: string[], conversation = 'c1'): string {
  const lines = [{ type: 'conversation_start', conversation_id: conversation, agent_name: 'planner' }];
  for (const content of contents) lines.push({ type: 'message', conversation_id: conversation, role: 'user', content } as never);
  return lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
}

/** Quotes a word for `sh -c`. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs `historian ARGS` on a real pseudo-terminal (util-linux `script`), so its standard output
 * and error are TTYs, and returns what the terminal received (stdout and stderr together; the
 * terminal turns each `\n` into `\r\n`).
 */
export function runOnTerminal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HISTORIAN_CONFIG: '', TERM: 'xterm-256color', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
