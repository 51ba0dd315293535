import type { AppendFile } from './append.js';
import { decodeText } from '../formats/text.js';

/** How far back a torn line is looked for at a time. Even, so UTF-16 newlines stay aligned. */
const CHUNK = 64 * 1024;

/**
 * Makes an open JSON Lines file end on a whole line before an append, under its lock. A last
 * line without its newline is completed when it parses (written whole by another tool) and cut
 * off when it does not: a crash mid-append tore it, and its batch was never acknowledged. Only
 * the tail is touched; the file is never rewritten from memory, which would drop whatever
 * other processes appended.
 * @returns whether the file was changed
 */
export async function endOnWholeLine(file: AppendFile, encoding: BufferEncoding): Promise<boolean> {
  const newline = Buffer.from('\n', encoding);
  const size = file.size;
  if (size === 0) return false;
  if (size >= newline.length && (await file.read(size - newline.length, newline.length)).equals(newline)) return false;
  const start = await afterLastNewline(file, size, newline);
  const tail = decodeText(await file.read(start, size - start), encoding);
  if (tail.trim() === '' || parses(tail)) await file.append([newline]);
  else await file.truncate(start);
  return true;
}

/**
 * The text of the last whole line of a file that ends on one (see `endOnWholeLine`), or null
 * when it holds none.
 */
export async function lastWholeLine(file: AppendFile, encoding: BufferEncoding): Promise<string | null> {
  const newline = Buffer.from('\n', encoding);
  const end = file.size - newline.length;
  if (end < 0) return null;
  const start = await afterLastNewline(file, end, newline);
  return decodeText(await file.read(start, end - start), encoding);
}

/** The offset just after the last newline before `end`, or 0 when there is none. */
async function afterLastNewline(file: AppendFile, end: number, newline: Buffer): Promise<number> {
  const unit = newline.length;
  for (let stop = end; stop > 0; ) {
    let start = Math.max(0, stop - CHUNK);
    start -= start % unit;
    const bytes = await file.read(start, stop - start);
    for (let i = bytes.length - unit; i >= 0; i--) {
      if ((start + i) % unit === 0 && bytes.subarray(i, i + unit).equals(newline)) return start + i + unit;
    }
    stop = start;
  }
  return 0;
}

/** Whether a line of text is whole JSON. */
export function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
