import { randomBytes } from 'node:crypto';
import { inspect, type styleText } from 'node:util';
import { maskSecrets } from '../core/secrets.js';

/**
 * Everything the CLI prints goes through here. Logged content is untrusted: an agent's message
 * may hold terminal escapes that retitle the window, rewrite lines already shown, or answer a
 * terminal query with typed input. So on a terminal every control character is shown as a
 * visible escape; piped output (files, `jq`, other programs) is written byte for byte.
 *
 * Colours are ours, not content: `style()` does not emit escape sequences but markers carrying
 * a random per-process nonce, which only the writer turns into SGR sequences. Logged content
 * cannot forge a marker, so it cannot colour, hide or move anything either.
 */

/** What is printed: text for people, or JSON, which must stay valid JSON once escaped. */
export type OutputKind = 'text' | 'json';

/** A colour or weight that `util.styleText` knows (bold, dim, red, cyan…). */
export type Style = Extract<Parameters<typeof styleText>[0], string>;

const NONCE = randomBytes(8).toString('hex');
const MARKER = new RegExp(`\u{E000}${NONCE}(\\d+)\u{E001}`, 'gu');

/** C0 controls but newline and tab, DEL, and the C1 controls (U+0080–U+009F; U+009B alone opens a CSI). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function marker(code: number): string {
  return `\u{E000}${NONCE}${code}\u{E001}`;
}

/** `text` in `style`, rendered as colour by the writer on a terminal (call only when colours are on). */
export function style(name: Style, text: string): string {
  const [open, close] = inspect.colors[name] ?? [];
  return open === undefined || close === undefined ? text : `${marker(open)}${text}${marker(close)}`;
}

/** `text` without style markers: what it looks like in columns. */
export function unstyled(text: string): string {
  return text.replace(MARKER, '');
}

/** A control character as people can read it: `\x1b` in text, `\u001b` in JSON (valid inside a string). */
function visible(char: string, kind: OutputKind): string {
  const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
  return kind === 'json' ? `\\u00${hex}` : `\\x${hex}`;
}

/**
 * What `text` becomes on a terminal (`tty` true): control characters made visible, style markers
 * turned into colours. Off a terminal: the same bytes, markers dropped.
 */
export function forTerminal(text: string, kind: OutputKind, tty: boolean): string {
  if (!tty) return unstyled(text);
  let out = '';
  let from = 0;
  for (const match of text.matchAll(MARKER)) {
    out += text.slice(from, match.index).replace(CONTROL, (c) => visible(c, kind)) + `\u001b[${match[1]}m`;
    from = match.index + match[0].length;
  }
  return out + text.slice(from).replace(CONTROL, (c) => visible(c, kind));
}

/**
 * Thrown by a write once the reader of standard output has gone (`historian tail | head -1`):
 * the command unwinds (closing its providers) and exits 0 without a word, as `cat` does.
 */
export class OutputClosed extends Error {
  override name = 'OutputClosed';
}

/** Whether standard output's reader has gone (a write failed with EPIPE). */
let outputClosed = false;

/**
 * Notes a closed pipe on standard output; any other error of the stream is a real failure, so
 * it is thrown on to the process's uncaught-error report.
 */
export function watchOutput(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    outputClosed = true;
  });
}

/** Writes to standard output; on a terminal, control characters of the content are neutralised. */
export function writeOut(text: string, kind: OutputKind = 'text'): void {
  if (outputClosed) throw new OutputClosed('standard output is closed');
  process.stdout.write(forTerminal(text, kind, process.stdout.isTTY === true));
}

/**
 * Writes bytes to standard output and waits while the pipe is full, so a long stream (an
 * export) holds no more than the pipe's buffer. On a terminal, they are neutralised as text.
 */
export async function writeOutBytes(bytes: Buffer, encoding: BufferEncoding): Promise<void> {
  if (outputClosed) throw new OutputClosed('standard output is closed');
  const tty = process.stdout.isTTY === true;
  if (process.stdout.write(tty ? forTerminal(bytes.toString(encoding), 'text', true) : bytes)) return;
  await new Promise<void>((resume) => {
    const done = () => {
      process.stdout.off('drain', done).off('close', done).off('error', done);
      resume();
    };
    process.stdout.once('drain', done).once('close', done).once('error', done);
  });
  if (outputClosed) throw new OutputClosed('standard output is closed');
}

/** Writes to standard error, neutralised the same way on a terminal. */
export function writeErr(text: string): void {
  process.stderr.write(forTerminal(text, 'text', process.stderr.isTTY === true));
}

/** Prints `historian: <message>` on standard error, secrets masked: the line for every warning and failure. */
export function diagnostic(message: string): void {
  writeErr(`historian: ${maskSecrets(message)}\n`);
}
