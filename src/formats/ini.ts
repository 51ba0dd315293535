import { decode, encode, safe, unsafe } from 'ini';
import { DocumentError, GROUP_NAMES, groupsOf, pushJoined, type Codec, type GroupName, type GroupParts } from './codec.js';
import { decodeFields, JSON_SUFFIX } from './fields.js';

/** Entry fields that hold text; every other field (numbers, objects, lists) is stored as JSON. */
const TEXT_FIELDS = new Set([
  'type', 'id', 'timestamp', 'conversation_id', 'message_id', 'content', 'role', 'name', 'model',
  'agent_name', 'tool_call_id', 'tool_name', 'session_id', 'command', 'context_type',
]);

/**
 * JSON text that `ini` keeps exactly: its value unescaping turns `\\` into `\`, and its line
 * pattern stops at U+2028/U+2029, so those are written as `\u` escapes, which JSON reads the same.
 */
function iniJson(value: unknown): string {
  return JSON.stringify(value).replace(/\\\\|[\u2028\u2029]/g, (m) => (m === '\\\\' ? '\\u005c' : `\\u${m.charCodeAt(0).toString(16)}`));
}

/** Text `ini` writes as it is (no quotes, escapes, comments or surrounding space): most ids, names and roles. */
const PLAIN = /^[^\s"'=[;#\\\u2028\u2029](?:[^"'=;#\\\r\n\u2028\u2029]*[^\s"'=;#\\\u2028\u2029])?$/;

/**
 * Whether `ini` writes and reads this text back unchanged: its own escaping must undo itself
 * (it does not, for some backslash sequences), and the line must match its pattern (which
 * stops at U+2028/U+2029). It reads `true`, `false` and `null` as values; String() undoes that.
 */
function keepsText(text: string): boolean {
  if (PLAIN.test(text)) return true;
  return !/[\u2028\u2029]/.test(text) && unsafe(safe(text)) === text;
}

/** The section of one entry: every value a string `ini` writes and reads back unchanged. */
function sectionOf(entry: object): Record<string, string> {
  const section: Record<string, string> = {};
  for (const [field, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    if (!TEXT_FIELDS.has(field)) section[field] = iniJson(value);
    else if (keepsText(value as string)) section[field] = value as string;
    else section[`${field}${JSON_SUFFIX}`] = iniJson(value);
  }
  return section;
}

/** Text fields come back as text; the rest were written as JSON. */
function decodeValue(value: unknown, field: string): unknown {
  return TEXT_FIELDS.has(field) ? String(value) : JSON.parse(String(value));
}

function sectionsOf(value: unknown, group: GroupName): unknown[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null) throw new DocumentError(`[${group}] must hold numbered entry sections`);
  // Integer-like keys enumerate in numeric order, which is the order the entries were written.
  return Object.values(value);
}

/** Between two entries of a group. */
const SEPARATOR = '\n';

/**
 * `format: ini` — one section per entry, `[messages.1]`, `[messages.2]`, …. INI has no
 * nesting and no types: text fields are written as text (as JSON under `<field>_json` when
 * `ini` could not keep them), every other field as JSON text.
 */
export function iniCodec(): Codec {
  return {
    separator: SEPARATOR,
    encodeEntry(entry, group, index) {
      return encode({ [group]: { [index + 1]: sectionOf(entry) } });
    },
    assemble<T>(parts: GroupParts<T>, text: (framing: string) => T) {
      const out: T[] = [];
      const blank = text(SEPARATOR);
      for (const group of GROUP_NAMES) {
        if (parts[group].length === 0) continue;
        if (out.length > 0) out.push(blank);
        pushJoined(out, parts[group], blank);
      }
      return out;
    },
    decode(text) {
      const entries = groupsOf(decode(text), sectionsOf);
      for (const entry of entries) {
        const header = `[${entry.group}.${Number(/\[(\d+)\]$/.exec(entry.where)?.[1]) + 1}]`;
        entry.position = () => lineOf(text, header);
        try {
          entry.value = decodeFields(entry.value, decodeValue);
        } catch (error) {
          const at = lineOf(text, header);
          throw new DocumentError(`${entry.where}: ${(error as Error).message}`, at?.line, at?.column);
        }
      }
      return entries;
    },
  };
}

function lineOf(text: string, header: string): { line: number; column: number } | undefined {
  const index = text.split('\n').findIndex((line) => line.trim() === header);
  return index === -1 ? undefined : { line: index + 1, column: 1 };
}
