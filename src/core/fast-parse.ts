import type { z } from 'zod';
import { nullMeansAbsent } from './absent-nulls.js';

/** What a fast parser returns for a value it does not vouch for: the caller asks zod. */
export const DEFER: unique symbol = Symbol('defer to zod');

/** Parses a value exactly as its zod schema would, or returns DEFER. Never throws. */
export type FastParser = (value: unknown) => unknown;

type Def = z.core.$ZodTypeDef & Record<string, unknown>;
type Schema = z.core.$ZodType;
type Check = { _zod: { def: Record<string, unknown> } };

const defer: FastParser = () => DEFER;

/**
 * Compiles a zod schema into a parser for well-formed input: plain objects of the schema's known
 * keys, well-formed strings, finite numbers, nothing to normalise (see values.ts). On such input
 * it returns what `schema.parse` returns, key order included, with the schema's own transforms;
 * on anything else (bad input, a value to normalise, a construct it does not know) it returns
 * DEFER, so zod stays the one judge of what is valid and the one author of error messages. It
 * knows the constructs of the entry schemas that carry most of the traffic; the rest defer.
 */
export function compileFastParser(schema: Schema): FastParser {
  const def = schema._zod.def as Def;
  switch (def.type) {
    case 'string':
      return stringParser(def);
    case 'number':
      return numberParser(def);
    case 'literal': {
      const values = new Set(def.values as unknown[]);
      return (value) => (values.has(value) ? value : DEFER);
    }
    case 'optional':
      // Absent optional keys are the object's business; a present `undefined` is normalised away first.
      return compileFastParser(def.innerType as Schema);
    case 'union':
      return unionParser((def.options as Schema[]).map(compileFastParser));
    case 'pipe':
      return pipeParser(def);
    case 'object':
      return objectParser(def);
    case 'array':
      return arrayParser(def);
    default:
      return defer;
  }
}

function checksOf(def: Def): Record<string, unknown>[] {
  return ((def.checks as Check[] | undefined) ?? []).map((check) => check._zod.def);
}

function stringParser(def: Def): FastParser {
  if (def.coerce) return defer;
  const pattern = def.format === undefined ? null : def.format === 'datetime' ? (def.pattern as RegExp) : undefined;
  if (pattern === undefined) return defer;
  let minimum = 0;
  for (const check of checksOf(def)) {
    if (check.check !== 'min_length') return defer;
    minimum = Math.max(minimum, check.minimum as number);
  }
  return (value) =>
    typeof value === 'string' && value.length >= minimum && value.isWellFormed() && (pattern === null || pattern.test(value)) ? value : DEFER;
}

/** A number check as a predicate; null for one this parser does not know. */
function numberCheck(check: Record<string, unknown>): ((n: number) => boolean) | null {
  const bound = check.value as number;
  switch (check.check) {
    case 'number_format':
      return check.format === 'safeint' ? Number.isSafeInteger : null;
    case 'greater_than':
      return check.inclusive ? (n) => n >= bound : (n) => n > bound;
    case 'less_than':
      return check.inclusive ? (n) => n <= bound : (n) => n < bound;
    default:
      return null;
  }
}

function numberParser(def: Def): FastParser {
  if (def.coerce || def.format !== undefined) return defer;
  const checks = checksOf(def).map(numberCheck);
  if (checks.includes(null)) return defer;
  const passes = checks as ((n: number) => boolean)[];
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return DEFER;
    for (const pass of passes) if (!pass(value)) return DEFER;
    return value;
  };
}

function unionParser(options: FastParser[]): FastParser {
  return (value) => {
    for (const option of options) {
      const parsed = option(value);
      if (parsed !== DEFER) return parsed;
    }
    return DEFER;
  };
}

/** A schema piped into a transform: the transform is the schema's own function, called as zod calls it. */
function pipeParser(def: Def): FastParser {
  const input = compileFastParser(def.in as Schema);
  const out = (def.out as Schema)._zod.def as Def;
  if (out.type !== 'transform') return defer;
  const transform = out.transform as (value: unknown, payload: { value: unknown; issues: unknown[] }) => unknown;
  return (value) => {
    const parsed = input(value);
    if (parsed === DEFER) return DEFER;
    const payload = { value: parsed, issues: [] };
    const result = transform(parsed, payload);
    return payload.issues.length > 0 || result instanceof Promise ? DEFER : result;
  };
}

/** The lines that parse one field of an object into `out` (see objectParser). */
function fieldSource(key: string, field: Schema, index: number): string {
  const name = JSON.stringify(key);
  // Absent optional keys are skipped; a present `undefined` is normalised away first (values.ts).
  const absent = field._zod.def.type === 'optional' ? `if (${name} in value) return DEFER;` : 'return DEFER;';
  // A null that means absent (absent-nulls.ts) is a known key left out of the output.
  const isNull = nullMeansAbsent(field) ? `if (item === null) present++; else ` : '';
  return `item = value[${name}];
  ${isNull}if (item === undefined) { ${absent} } else {
    parsed = parsers[${index}](item);
    if (parsed === DEFER) return DEFER;
    out[${name}] = parsed;
    present++;
  }`;
}

/**
 * A strict object (unknown keys refused) without refinements. Generated as one function with a
 * constant key per store, as zod's own object parser is: the output gets the shape's key order
 * and one hidden class per set of present keys, which later reads of the entry depend on.
 */
function objectParser(def: Def): FastParser {
  const catchall = (def.catchall as Schema | undefined)?._zod.def.type;
  const shape = Object.entries(def.shape as Record<string, Schema>);
  // `out.__proto__ = …` would set a prototype rather than a key.
  if (catchall !== 'never' || checksOf(def).length > 0 || shape.some(([key]) => key === '__proto__')) return defer;
  const parsers = shape.map(([, field]) => compileFastParser(field));
  const body = `return function parseObject(value) {
  if (typeof value !== 'object' || value === null) return DEFER;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return DEFER;
  const out = {};
  let present = 0, item, parsed;
  ${shape.map(([key, field], i) => fieldSource(key, field, i)).join('\n  ')}
  // Any other key is unknown (refused) or needs normalising (\`__proto__\`): zod decides.
  for (const key in value) present--;
  return present === 0 ? out : DEFER;
};`;
  return new Function('DEFER', 'parsers', body)(DEFER, parsers) as FastParser;
}

function arrayParser(def: Def): FastParser {
  if (checksOf(def).length > 0) return defer;
  const element = compileFastParser(def.element as Schema);
  return (value) => {
    if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return DEFER;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      // A hole reads as undefined, which the element parsers defer.
      const parsed = element(value[i]);
      if (parsed === DEFER) return DEFER;
      out[i] = parsed;
    }
    return out;
  };
}
