import { EntryError } from './errors.js';
import { formatPath } from './field-path.js';

/** How deep values may nest inside an entry; deeper data is refused at `log()`, naming the field. */
export const MAX_DEPTH = 64;

type Path = (string | number)[];

function refuse(path: Path, message: string): never {
  const field = formatPath(path) || 'entry';
  throw new EntryError(`invalid entry: ${field}: ${message}`, field);
}

/** Lone surrogates become U+FFFD here, once, so every provider stores the same text. */
function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * Brings an entry's values to what every provider can store and read back identically, or
 * refuses the entry (`EntryError` naming the field). Refused: nesting deeper than MAX_DEPTH, a
 * cycle, a non-finite number, a BigInt, a Map or Set, a `__proto__` key. Normalised as
 * JSON.stringify would, but once for every provider: lone surrogates (to U+FFFD), `undefined`,
 * functions and symbols (dropped from objects, null in arrays), values with `toJSON` such as
 * Date (replaced by what it returns). The input is never mutated: a changed object is copied,
 * an unchanged one returned as is.
 */
export function normaliseValues<T extends object>(entry: T): T {
  return normalise(entry, [], []) as T;
}

/** Normalises `value` as the child `key` of the value at `path` (the path is restored after). */
function child(value: unknown, key: string | number, path: Path, ancestors: object[]): unknown {
  path.push(key);
  const next = normalise(value, path, ancestors);
  path.pop();
  return next;
}

function normalise(value: unknown, path: Path, ancestors: object[]): unknown {
  switch (typeof value) {
    case 'string':
      return wellFormed(value);
    case 'number':
      if (!Number.isFinite(value)) refuse(path, `${value} is not a JSON number; log it as a string or null`);
      return value;
    case 'boolean':
      return value;
    case 'bigint':
      return refuse(path, 'a BigInt is not a JSON value; log it as a string or a number');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  return normaliseObject(value as object, path, ancestors);
}

function normaliseObject(value: object, path: Path, ancestors: object[], jsonApplied = false): unknown {
  // A cycle is caught by the depth limit too; it is told apart only when refusing.
  if (path.length >= MAX_DEPTH) {
    refuse(path, ancestors.includes(value) ? 'refers to itself (a circular structure cannot be stored)' : `nested deeper than ${MAX_DEPTH} levels`);
  }
  // As JSON.stringify does: toJSON once, and what it returns is taken as it is.
  if (!jsonApplied && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const json: unknown = (value as { toJSON(): unknown }).toJSON();
    return typeof json === 'object' && json !== null ? normaliseObject(json, path, ancestors, true) : normalise(json, path, ancestors);
  }
  if (value instanceof Map || value instanceof Set) {
    refuse(path, `a ${value.constructor.name} is not a JSON value; convert it to an object or array first`);
  }
  ancestors.push(value);
  const next = Array.isArray(value) ? normaliseArray(value, path, ancestors) : normaliseRecord(value as Record<string, unknown>, path, ancestors);
  ancestors.pop();
  return next;
}

function normaliseArray(items: unknown[], path: Path, ancestors: object[]): unknown[] {
  let copy: unknown[] | null = null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const next = child(item, i, path, ancestors) ?? null;
    if (next !== item) (copy ??= items.slice())[i] = next;
  }
  return copy ?? items;
}

function normaliseRecord(record: Record<string, unknown>, path: Path, ancestors: object[]): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(record)) {
    if (key === '__proto__') refuse([...path, key], 'the key __proto__ is not allowed');
    const item = record[key];
    // Most values are strings and finite numbers: checked here without a call.
    const next = typeof item === 'string' ? wellFormed(item) : typeof item === 'boolean' || Number.isFinite(item) ? item : child(item, key, path, ancestors);
    // The entry's own keys are checked by its schema; only free-form objects need theirs.
    const name = path.length === 0 ? key : wellFormed(key);
    if (next === item && name === key && item !== undefined) continue;
    copy ??= { ...record };
    if (name !== key) delete copy[key];
    if (next === undefined) delete copy[name];
    else copy[name] = next;
  }
  return copy ?? record;
}
