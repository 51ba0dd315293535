import { DocumentError, GROUP_NAMES, groupsOf, listOf, positionOf, pushJoined, type Codec, type GroupParts } from './codec.js';

/** Escapes every non-ASCII character, so the text survives an ASCII or Latin-1 file unchanged. */
export function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The position V8 reports in a JSON.parse error, as line and column. */
export function jsonErrorPosition(text: string, error: Error): { line?: number; column?: number } {
  const match = /position (\d+)/.exec(error.message);
  if (match) return positionOf(text, Number(match[1]));
  if (/end of JSON input/.test(error.message)) return positionOf(text, text.length);
  return {};
}

/** Parses JSON, turning a syntax error into a positioned `DocumentError`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { line, column } = jsonErrorPosition(text, error as Error);
    throw new DocumentError((error as Error).message.replace(/ in JSON at position \d+.*$/, ''), line, column);
  }
}

/** Between two entries of a group. */
const SEPARATOR = ',\n    ';

/**
 * `format: json` — `{"messages": [...], "conversations": [...], ...}`, one entry per line so
 * the file stays readable and each entry is stringified once.
 */
export function jsonCodec(asciiOnly: boolean): Codec {
  return {
    separator: SEPARATOR,
    encodeEntry(entry) {
      const json = JSON.stringify(entry);
      return asciiOnly ? asciiJson(json) : json;
    },
    assemble<T>(parts: GroupParts<T>, text: (framing: string) => T) {
      const out = [text('{\n')];
      GROUP_NAMES.forEach((group, g) => {
        const end = g === GROUP_NAMES.length - 1 ? '\n' : ',\n';
        const items = parts[group];
        if (items.length === 0) return out.push(text(`  "${group}": []${end}`));
        out.push(text(`  "${group}": [\n    `));
        pushJoined(out, items, text(SEPARATOR));
        return out.push(text(`\n  ]${end}`));
      });
      out.push(text('}\n'));
      return out;
    },
    decode(text) {
      return groupsOf(parseJson(text), listOf);
    },
  };
}
