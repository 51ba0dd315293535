import type { z } from 'zod';

// Clients in other languages write an optional field they have no value for as `null` (Python's
// None, a Go nil pointer). Such a null means the field is absent: it is dropped before the entry
// is judged, on every optional field that could not hold null anyway, nested objects included.
// An optional field that accepts null as a value (a tool's `result`) keeps it.

type Schema = z.core.$ZodType;
type Def = z.core.$ZodTypeDef & Record<string, unknown>;

/** Removes the keys of an object whose null means absent; returns the value itself when it has none. */
type NullStripper = (value: unknown) => unknown;

const keep: NullStripper = (value) => value;

/** Whether a `null` given for this object field means the field is absent. */
export function nullMeansAbsent(field: Schema): boolean {
  return field._zod.def.type === 'optional' && !(field as z.ZodType).safeParse(null).success;
}

/** The shape of an object schema, seen through optional, nullable, default and pipe wrappers; null for any other schema. */
function shapeOf(schema: Schema): Record<string, Schema> | null {
  const def = schema._zod.def as Def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return shapeOf(def.innerType as Schema);
    case 'pipe':
      return shapeOf(def.in as Schema);
    case 'object':
      return def.shape as Record<string, Schema>;
    default:
      return null;
  }
}

/**
 * A function that drops the null-means-absent keys of values of `schema` (an object schema of
 * the entry kinds), in it and in the entry's nested objects. Free-form objects (`metadata`,
 * `args`) are data and left as they are. The input is never mutated: a changed object is copied.
 */
export function compileNullStripper(schema: Schema): NullStripper {
  const shape = shapeOf(schema);
  if (shape === null) return keep;
  const absent = Object.keys(shape).filter((key) => nullMeansAbsent(shape[key]!));
  const nested = Object.entries(shape)
    .filter(([, field]) => shapeOf(field) !== null)
    .map(([key, field]) => [key, compileNullStripper(field)] as const);
  if (absent.length === 0 && nested.length === 0) return keep;
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | null = null;
    for (const key of absent) {
      if (record[key] !== null || !Object.hasOwn(record, key)) continue;
      copy ??= { ...record };
      delete copy[key];
    }
    for (const [key, strip] of nested) {
      const item = record[key];
      const next = strip(item);
      if (next !== item) (copy ??= { ...record })[key] = next;
    }
    return copy ?? value;
  };
}
