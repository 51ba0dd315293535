/**
 * Encoding of entry fields a format cannot hold natively. A field whose value the format can
 * hold keeps its name; any other is stored as JSON text under `<field>_json` (no entry field
 * ends in `_json`), and reading turns it back into the value.
 */
export const JSON_SUFFIX = '_json';

/** Whether a value holds no null (or undefined) anywhere: what TOML can store natively. */
export function hasNoNull(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.every(hasNoNull);
  if (typeof value === 'object') return Object.values(value).every(hasNoNull);
  return true;
}

/** Encodes every field of an entry: kept as is when `native` accepts it, else as JSON text. */
export function encodeFields(
  entry: object,
  native: (value: unknown, field: string) => boolean,
  toJson: (value: unknown) => string = JSON.stringify,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    if (native(value, field)) fields[field] = value;
    else fields[`${field}${JSON_SUFFIX}`] = toJson(value);
  }
  return fields;
}

/** Reverses `encodeFields`: `<field>_json` text becomes the field's value again. */
export function decodeFields(fields: unknown, plain: (value: unknown, field: string) => unknown = (value) => value): unknown {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return fields;
  const entry: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key.endsWith(JSON_SUFFIX) && typeof value === 'string') entry[key.slice(0, -JSON_SUFFIX.length)] = JSON.parse(value);
    else entry[key] = plain(value, key);
  }
  return entry;
}
