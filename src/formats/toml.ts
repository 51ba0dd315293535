import { parse, stringify, TomlError } from 'smol-toml';
import { DocumentError, GROUP_NAMES, groupsOf, listOf, pushJoined, type Codec, type GroupParts } from './codec.js';
import { decodeFields, encodeFields, hasNoNull } from './fields.js';

function decodeOrThrow(value: unknown, where: string): unknown {
  try {
    return decodeFields(value);
  } catch (error) {
    throw new DocumentError(`${where}: ${(error as Error).message}`);
  }
}

/** Between two entries of a group. */
const SEPARATOR = '\n';

/**
 * `format: toml` — each group an array of tables (`[[messages]]`), empty groups as `[]`.
 * TOML has no null: a field holding one anywhere (tool args, results, metadata) is stored as
 * JSON text under `<field>_json`, so reading back gives the same entry.
 */
export function tomlCodec(): Codec {
  return {
    separator: SEPARATOR,
    encodeEntry(entry, group) {
      return stringify({ [group]: [encodeFields(entry, hasNoNull)] });
    },
    assemble<T>(parts: GroupParts<T>, text: (framing: string) => T) {
      // Plain keys must come before the first table, so the empty groups go first.
      const empty = GROUP_NAMES.filter((group) => parts[group].length === 0);
      const out = empty.length > 0 ? [text(stringify(Object.fromEntries(empty.map((group) => [group, []]))))] : [];
      const blank = text(SEPARATOR);
      for (const group of GROUP_NAMES) {
        if (parts[group].length === 0) continue;
        if (out.length > 0) out.push(blank);
        pushJoined(out, parts[group], blank);
      }
      return out;
    },
    decode(text) {
      let root: unknown;
      try {
        root = parse(text);
      } catch (error) {
        if (!(error instanceof TomlError)) throw error;
        throw new DocumentError(error.message.split('\n')[0] ?? 'TOML syntax error', error.line, error.column);
      }
      const entries = groupsOf(root, listOf);
      for (const entry of entries) entry.value = decodeOrThrow(entry.value, entry.where);
      return entries;
    },
  };
}
