import { asciiJson, jsonErrorPosition } from './json.js';
import { DocumentError, type RawEntry } from './codec.js';

/** What a JSON Lines file held: its entries, and whether its last line was torn by a crash. */
export interface JsonLines {
  entries: RawEntry[];
  /** The 1-based number of a torn last line that was ignored, if any. */
  tornLine?: number;
  /** Whether the text ends in a newline (else the next append must not continue its last line). */
  endsWithNewline: boolean;
}

/** One entry as a line of JSON Lines: the whole entry object, newline included. */
export function encodeLine(entry: object, asciiOnly: boolean): string {
  const json = JSON.stringify(entry);
  return `${asciiOnly ? asciiJson(json) : json}\n`;
}

/**
 * Reads JSON Lines. A last line without its newline that does not parse is what a crash
 * mid-append leaves behind: it is reported as torn and skipped. Any other bad line is an error.
 */
export function decodeLines(text: string): JsonLines {
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  const entries: RawEntry[] = [];
  let tornLine: number | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const number = i + 1;
    const entry = decodeLine(line, number, i === lines.length - 1 && !endsWithNewline);
    if (entry) entries.push(entry);
    else tornLine = number;
  });
  return tornLine === undefined ? { entries, endsWithNewline } : { entries, tornLine, endsWithNewline };
}

/**
 * Reads line `number` of JSON Lines. A line that does not parse is an error, unless it is
 * `torn` (the last, without its newline): then the answer is null.
 */
export function decodeLine(line: string, number: number, torn: boolean): RawEntry | null {
  try {
    return { value: JSON.parse(line), where: `line ${number}`, position: () => ({ line: number, column: 1 }) };
  } catch (error) {
    if (torn) return null;
    const { column } = jsonErrorPosition(line, error as Error);
    throw new DocumentError(`invalid JSON: ${(error as Error).message.replace(/ in JSON at position \d+.*$/, '')}`, number, column);
  }
}
