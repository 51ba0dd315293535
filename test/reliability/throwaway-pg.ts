import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The folder of the machine's PostgreSQL server binaries (initdb, pg_ctl), or null. */
function binaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const found = versions.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
  return found ?? null;
}

/** Why a throwaway server cannot run here, or null when it can. */
export function throwawayUnavailable(): string | null {
  if (!binaries()) return 'no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql';
  if (userInfo().uid === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root and there is no postgres user to run initdb as';
    }
  }
  return null;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL server of its own, in a temporary folder on a spare port, that a test may stop
 * and start at will (the shared server on 5432 is never touched). initdb refuses to run as
 * root, so as root it runs as the `postgres` user.
 */
export class ThrowawayPostgres {
  readonly dir: string;
  private readonly bin = binaries()!;

  private constructor(readonly port: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'historian-throwaway-pg-'));
  }

  /** initdb and start a new server; with `password`, the `postgres` user must give it. */
  static async create(options: { password?: string } = {}): Promise<ThrowawayPostgres> {
    const server = new ThrowawayPostgres(await freePort());
    if (userInfo().uid === 0) {
      const uid = execFileSync('id', ['-u', 'postgres']).toString().trim();
      const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
      chownSync(server.dir, Number(uid), Number(gid));
    }
    const auth = ['-A', 'trust'];
    if (options.password !== undefined) {
      const file = join(server.dir, 'password');
      writeFileSync(file, options.password, { mode: 0o644 });
      auth.splice(0, 2, '-A', 'scram-sha-256', `--pwfile=${file}`);
    }
    server.run('initdb', ['-D', join(server.dir, 'data'), ...auth, '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    server.start();
    return server;
  }

  /** The URL of the server's `postgres` database. */
  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-o', options, '-l', join(this.dir, 'server.log'), '-w', 'start']);
  }

  /** Stops the server; `immediate` aborts it as a crash would, dropping every connection. */
  stop(mode: 'immediate' | 'fast' = 'fast'): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  /** Stops the server (if running) and deletes its folder. */
  destroy(): void {
    try {
      this.stop('immediate');
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: string[]): void {
    const command = join(this.bin, tool);
    const asRoot = userInfo().uid === 0;
    execFileSync(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : args, { stdio: 'pipe', cwd: this.dir });
  }
}
