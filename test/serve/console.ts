import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLI, runCli } from '../cli/run.js';

/** The demo's manifest: its providers write under $HISTORIAN_DEMO_OUT. */
export const DEMO_MANIFEST = fileURLToPath(new URL('../../examples/demo.yml', import.meta.url));

/** Writes the demo's history into `out` with `historian demo`. */
export async function writeDemo(out: string, cwd: string): Promise<void> {
  const demo = await runCli(['demo', '--out', out], { cwd });
  if (demo.code !== 0) throw new Error(`historian demo failed: ${demo.stderr}`);
}

/** A `historian serve` child process and the address it printed. */
export interface Served {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts `historian serve ARGS` on a free port and waits for the line naming its address. */
export function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { env: { ...process.env, NO_COLOR: '1', HISTORIAN_CONFIG: '', HISTORIAN_TOKEN: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const url = /on (http:\/\/\S+\/)/.exec(stdout)?.[1];
      if (url) resolve({ url, child, stderr: () => stderr, stop: () => (child.kill('SIGTERM'), exited) });
    });
    void exited.then((code) => reject(new Error(`historian serve exited with ${code}: ${stderr}`)));
  });
}

/** GETs `path` of the console and parses the JSON answer. */
export async function getJson(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, base), { headers });
  return { status: response.status, body: await response.json() };
}
