import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'historian-paths-'));
afterAll(() => {
  chmodSync(join(dir, 'locked'), 0o700);
  rmSync(dir, { recursive: true, force: true });
});
writeFileSync(join(dir, 'a-file'), 'not a folder\n');
mkdirSync(join(dir, 'locked'), 0o500);
const line = '{"type":"message","conversation_id":"c1","role":"user","content":"hi"}\n';

/**
 * `ingest` of one entry into a manifest of one provider, as `user` if given; killed after 20 s
 * (it used to spin forever), so a hang fails on its exit code.
 */
async function ingestInto(provider: string, user?: number) {
  const manifest = join(dir, 'agents.yml');
  writeFileSync(manifest, `storage:\n  providers:\n    - ${provider}\n`);
  return runCli(['ingest', '-', '-c', manifest], { input: line, timeout: 20_000, ...(user === undefined ? {} : { user }) });
}

/** Root may write anywhere: as root, the permission case runs as `nobody`, who may only read. */
const NOBODY = 65534;

describe('a path whose folder cannot be created fails at open, at once', () => {
  const cases = [
    ['text_file under /proc', 'type: text_file\n      path: /proc/nope/chat.log', 'cannot create the folder /proc/nope'],
    ['templated text_file under /proc', 'type: text_file\n      path: "/proc/nope/{{ agent_name }}.log"', 'cannot create the folder /proc/nope: the file system does not allow a folder there (ENOENT)'],
    ['file under /proc', 'type: file\n      path: /proc/nope/history.jsonl', 'cannot create the folder /proc/nope'],
    ['SQLite under /proc', 'type: sql\n      url: sqlite:////proc/nope/history.db', "mkdir '/proc/nope'"],
    ['text_file below a file', `type: text_file\n      path: ${join(dir, 'a-file', 'logs', 'chat.log')}`, `cannot create the folder ${join(dir, 'a-file', 'logs')}: ${join(dir, 'a-file')} is a file`],
    ['file below a file', `type: file\n      path: ${join(dir, 'a-file', 'history.json')}`, `cannot create the folder ${join(dir, 'a-file')}: ${join(dir, 'a-file')} is a file`],
  ] as const;

  it.each(cases)('%s', async (_name, provider, message) => {
    const { code, stderr } = await ingestInto(provider);
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('cannot open');
    expect(stderr).toContain(message);
  });

  it('a text_file in a folder without write permission', async () => {
    const asRoot = process.getuid?.() === 0;
    // As nobody: the test folder must be theirs to read and pass through, and the manifest theirs to read.
    if (asRoot) chmodSync(dir, 0o755);
    const { code, stderr } = await ingestInto(`type: text_file\n      path: ${join(dir, 'locked', 'logs', 'chat.log')}`, asRoot ? NOBODY : undefined);
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(`cannot create the folder ${join(dir, 'locked', 'logs')}: permission denied`);
    expect(existsSync(join(dir, 'locked', 'logs'))).toBe(false);
  });
});
