import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.js';
import { conversationLines, runOnTerminal, sqliteManifest } from './cli-process.js';
import { tempFolder } from './helpers.js';

// Logged content an attacker controls: retitles the window (OSC), clears the screen (CSI),
// opens a CSI with the 8-bit C1 code, rewrites the line (CR), rings the bell, and deletes.
const HOSTILE = 'hi \u001b]0;pwned\u0007 \u001b[2J cleared \u009b31m c1 \u007f del \r overwritten \u0008 end';

/** Characters a terminal acts on, besides the line ends it is sent (`\r\n`) and tabs. */
const ACTIVE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const { dir, remove } = tempFolder('escapes');
const manifest = sqliteManifest(dir);

beforeAll(async () => {
  const file = join(dir, 'hostile.jsonl');
  writeFileSync(file, conversationLines([HOSTILE]));
  const { code, stderr } = await runCli(['ingest', file, '-c', manifest]);
  expect(code, stderr).toBe(0);
});
afterAll(remove);

/** The terminal's output without its `\r\n` line ends, which the pty adds. */
function received(output: string): string {
  return output.replace(/\r\n/g, '\n');
}

describe('terminal escapes in logged content', () => {
  it('history show on a terminal shows control characters as visible escapes', async () => {
    const { code, stdout } = await runOnTerminal(['history', 'show', '-c', manifest], { NO_COLOR: '1' });
    const text = received(stdout);
    expect(code).toBe(0);
    expect(text).not.toMatch(ACTIVE);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('hi \\x1b]0;pwned\\x07 \\x1b[2J cleared \\x9b31m c1 \\x7f del \\x0d overwritten \\x08 end');
  });

  it('keeps its own colours on a terminal, while the content cannot colour or move anything', async () => {
    const { stdout } = await runOnTerminal(['history', 'show', '-c', manifest], { NO_COLOR: '' });
    const text = received(stdout);
    const escapes = [...text.matchAll(/\u001b(.{0,8})/gs)].map((m) => m[1]!);
    expect(escapes.length).toBeGreaterThan(0);
    // Every escape that reaches the terminal is one of our SGR colour codes.
    for (const escape of escapes) expect(escape).toMatch(/^\[\d+m/);
    expect(text).toContain('\\x1b]0;pwned\\x07');
  });

  it('tail on a terminal neutralises the same content', async () => {
    const { stdout } = await runOnTerminal(['tail', '--since', '1d', '-c', manifest], { NO_COLOR: '1' });
    const text = received(stdout);
    expect(text).not.toMatch(ACTIVE);
    expect(text).toContain('\\x1b[2J cleared');
  });

  it('JSON on a terminal stays valid JSON that decodes to the exact content', async () => {
    const { stdout } = await runOnTerminal(['tail', '--since', '1d', '--format', 'json', '-c', manifest], { NO_COLOR: '1' });
    const lines = received(stdout).trim().split('\n');
    expect(received(stdout)).not.toMatch(ACTIVE);
    const message = lines.map((line) => JSON.parse(line) as { type: string; content?: string }).find((e) => e.type === 'message');
    expect(message?.content).toBe(HOSTILE);

    const shown = await runOnTerminal(['history', 'show', '--format', 'json', '-c', manifest], { NO_COLOR: '1' });
    expect(received(shown.stdout)).toContain('\\u009b31m');
    const [conversation] = JSON.parse(received(shown.stdout)) as { messages: { content: string }[] }[];
    expect(conversation!.messages[0]!.content).toBe(HOSTILE);
  });

  it('messages on standard error are neutralised on a terminal too', async () => {
    const { stdout } = await runOnTerminal(['history', 'show', '--limit', 'x\u001b]0;pwned\u0007', '-c', manifest], { NO_COLOR: '1' });
    const text = received(stdout);
    expect(text).toContain('x\\x1b]0;pwned\\x07');
    expect(text).not.toMatch(ACTIVE);
  });

  it('piped output is written byte for byte', async () => {
    const shown = await runCli(['history', 'show', '-c', manifest]);
    expect(shown.stdout).toContain(HOSTILE.replace(/\n/g, '\n            '));
    const tailed = await runCli(['tail', '--since', '1d', '--format', 'json', '-c', manifest]);
    const message = tailed.stdout.trim().split('\n').find((line) => line.includes('"message"'))!;
    expect(message).toContain('\u009b31m'); // JSON.stringify leaves C1 as is; a pipe gets exactly that
    expect((JSON.parse(message) as { content: string }).content).toBe(HOSTILE);
  });
});
